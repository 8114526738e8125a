// The figures the simulated departments work with. Levels come from Taicang's 14th Five-Year
// civil-affairs plan as DOMAIN.md quotes it; where the plan is silent the figure is an assumption,
// said so on its line. The platform itself treats all of these as policy data; the simulator only
// needs plausible values to make up consistent households.

/** 低保 standard, fen per person per month: 1,045 yuan (plan, end of 2020). */
export const DIBAO_STANDARD_FEN = 104_500;
/** 特困 support standard, fen per person per month: 1,463 yuan (plan, end of 2020). */
export const TEKUN_STANDARD_FEN = 146_300;
/** 低保边缘: per-capita income below 1.5 × the dibao standard (DOMAIN.md default multiplier). */
export const EDGE_MULTIPLIER = 1.5;
/** Financial assets a dibao household may hold per person: 24 months of the standard. */
export const ASSET_MONTHS_PER_PERSON = 24;
/** 残疾人两项补贴, fen per person per month: placeholders (DOMAIN.md: to be confirmed). */
export const DISABILITY_LIVING_SUBSIDY_FEN = 15_000;
export const DISABILITY_NURSING_SUBSIDY_FEN = 20_000;

/**
 * Birth dates are drawn as ages on this fixed date (or on today, if today is earlier), so the same
 * seed yields the same people whatever day the simulator runs: a live trickle started tomorrow
 * still matches the households loaded today.
 */
export const POPULATION_REFERENCE_DATE = '2025-01-01';

-- Versions stored before the programme rules were policy data gain them, with their sources: the
-- tekun income test of 特困人员认定办法 (民发〔2021〕43号, art. 7: income below the dibao standard,
-- property within limits) and tekun's precedence over dibao. Only fields a version lacks are
-- added; no figure a version already had changes, and decisions keep the checks they recorded.
update policies
   set figures = figures || jsonb_build_object(
         'tekunIncomeLimitBpOfDibao', 10000,
         'tekunExcludedFromDibao', true,
         'sources', jsonb_build_array(
           jsonb_build_object('parameter', 'tekunIncomeLimitBpOfDibao', 'source',
             '特困人员认定办法（民发〔2021〕43号）第七条：收入低于当地最低生活保障标准，且财产符合当地特困人员财产状况规定的，认定为无生活来源'),
           jsonb_build_object('parameter', 'tekunExcludedFromDibao', 'source',
             '国务院关于进一步健全特困人员救助供养制度的意见（国发〔2016〕14号）：特困人员救助供养与最低生活保障等制度相衔接；受特困供养的人员不再同时计入家庭低保')))
 where not figures ? 'tekunIncomeLimitBpOfDibao';

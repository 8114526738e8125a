export {
  type ChineseDocument,
  CJK_FONT_NAME,
  createChineseDocument,
  shanghaiChineseDate,
} from './chinese-document.ts';
// What a reader sees in such a PDF (embedded fonts, the page's text): for the services' tests.
export { embeddedFonts, pageText } from './pdf-text.ts';

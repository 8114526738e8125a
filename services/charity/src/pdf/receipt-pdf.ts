import { CJK_FONT_NAME, createChineseDocument, shanghaiChineseDate } from '@huimin/pdf';
import type { Donor } from '../domain/donor.ts';
import { type JurisdictionTree, type Restriction, restrictionLabel } from '../domain/funds.ts';
import { chineseCapitalAmount, yuanText } from '../domain/money.ts';

// The donation receipt as a PDF with its Chinese text embedded as glyphs (libs/pdf).

export const RECEIPT_FONT_NAME = CJK_FONT_NAME;

export interface ReceiptContent {
  receiptNumber: string;
  fundName: string;
  amountFen: number;
  receivedAt: Date;
  channel: 'wechat-pay' | 'alipay' | 'bank-transfer' | 'cash';
  restriction: Restriction;
  donor: Donor;
  reversed: boolean;
}

const channelLabel: Record<ReceiptContent['channel'], string> = {
  'wechat-pay': '微信支付',
  alipay: '支付宝',
  'bank-transfer': '银行转账',
  cash: '现金',
};

/** The donor as the receipt names them: the receipt goes to the donor, so the full name. */
function donorLine(donor: Donor): string {
  if (donor.kind === 'anonymous' || donor.name === undefined) return '匿名捐赠人';
  return donor.name;
}

export function renderReceiptPdf(
  content: ReceiptContent,
  tree: Pick<JurisdictionTree, 'nameOf'>,
): Promise<Buffer> {
  const { doc, finish } = createChineseDocument({
    size: 'A5',
    layout: 'landscape',
    margin: 36,
    info: {
      Title: `捐赠收据 ${content.receiptNumber}`,
      Author: content.fundName,
      Producer: 'Huimin charity',
    },
  });
  doc.fontSize(20).text('捐赠收据', { align: 'center' });
  doc.fontSize(10).text(`收据编号：${content.receiptNumber}`, { align: 'right' });
  doc.moveDown(0.8);

  const rows: [string, string][] = [
    ['捐赠人', donorLine(content.donor)],
    ['受赠单位', content.fundName],
    ['捐赠金额（小写）', `¥${yuanText(content.amountFen)}`],
    ['捐赠金额（大写）', `人民币${chineseCapitalAmount(content.amountFen)}`],
    ['捐赠用途', restrictionLabel(content.restriction, tree)],
    ['支付方式', channelLabel[content.channel]],
    ['捐赠日期', shanghaiChineseDate(content.receivedAt)],
  ];
  doc.fontSize(12);
  for (const [label, value] of rows) {
    const y = doc.y;
    doc.text(label, 48, y, { width: 130 });
    doc.text(value, 190, y, { width: 330 });
    doc.moveDown(0.4);
  }
  doc.moveDown(1);
  doc.fontSize(12).text('感谢您对太仓市慈善事业的支持！', 48, doc.y, { align: 'center' });
  doc
    .fontSize(8)
    .text('本收据由系统根据捐赠记录生成，捐赠信息按《中华人民共和国慈善法》公开。', { align: 'center' });
  if (content.reversed) {
    doc.fontSize(28).fillColor('#c00000').text('已冲销', 420, 60);
  }
  return finish();
}

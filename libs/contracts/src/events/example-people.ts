import type { Sex } from '../resident-id.ts';
import { syntheticResidentId } from '../synthetic-resident-id.ts';

// The people and places of the examples. Every resident ID is synthetic (province 99, assigned to
// no real place), so an example can never be a real resident's number.

function person(name: string, birthDate: string, sex: Sex, seq: number) {
  return { name, birthDate, sex, residentId: syntheticResidentId({ birthDate, sex, seq }) };
}

export const wangJianguo = person('王建国', '1958-03-14', 'male', 21);
export const liXiuying = person('李秀英', '1960-11-02', 'female', 8);
export const wangLei = person('王磊', '1986-07-21', 'male', 137);
export const wangFang = person('王芳', '1984-02-09', 'female', 55);
export const chenGuiying = person('陈桂英', '1941-05-20', 'female', 3);

/** The Wang family in 城厢镇 伟阳社区. */
export const wangHousehold = {
  householdId: 'HH-320585100001-0107',
  townCode: '320585100',
  communityCode: '320585100001',
  address: { text: '太仓市城厢镇伟阳新村12幢302室', lng: 121.1093, lat: 31.4602 },
};

/** 陈桂英, who lives alone in 沙溪镇 印溪社区. */
export const chenHousehold = {
  householdId: 'HH-320585109002-0033',
  townCode: '320585109',
  communityCode: '320585109002',
  address: { text: '太仓市沙溪镇印溪新村5幢101室', lng: 121.0496, lat: 31.5583 },
};

import { syntheticResidentId } from '../synthetic-resident-id.ts';

// The people and places of the examples. Every resident ID is synthetic (province 99, assigned to
// no real place), so an example can never be a real resident's number.

export const wangJianguo = {
  name: '王建国',
  birthDate: '1958-03-14',
  sex: 'male' as const,
  residentId: syntheticResidentId({ birthDate: '1958-03-14', sex: 'male', seq: 21 }),
};

export const liXiuying = {
  name: '李秀英',
  birthDate: '1960-11-02',
  sex: 'female' as const,
  residentId: syntheticResidentId({ birthDate: '1960-11-02', sex: 'female', seq: 8 }),
};

export const wangLei = {
  name: '王磊',
  birthDate: '1986-07-21',
  sex: 'male' as const,
  residentId: syntheticResidentId({ birthDate: '1986-07-21', sex: 'male', seq: 137 }),
};

export const wangFang = {
  name: '王芳',
  birthDate: '1984-02-09',
  sex: 'female' as const,
  residentId: syntheticResidentId({ birthDate: '1984-02-09', sex: 'female', seq: 55 }),
};

export const chenGuiying = {
  name: '陈桂英',
  birthDate: '1941-05-20',
  sex: 'female' as const,
  residentId: syntheticResidentId({ birthDate: '1941-05-20', sex: 'female', seq: 3 }),
};

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

import { dollarsText } from '../money';

describe('money in a sentence', () => {
  test.each([
    [0, '$0.00'],
    [5, '$0.05'],
    [100_000, '$1,000.00'],
    [123_456_789, '$1,234,567.89'],
    [-250, '-$2.50'],
  ])('when %i cents are written, then they read %s', (cents, text) => {
    expect(dollarsText(cents)).toBe(text);
  });
});

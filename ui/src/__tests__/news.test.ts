import { merge, type NewsItem } from '../news';

const item = (seq: number, headline = `h${seq}`): NewsItem => ({ seq, headline, body: '', symbol: null, movePercent: null });

describe('news list', () => {
  test('when loaded items and live ones overlap, then each appears once, newest first', () => {
    expect(merge([item(3), item(1)], [item(4), item(3, 'live copy')]).map((n) => n.seq)).toEqual([4, 3, 1]);
  });

  test('when there are more than twenty, then the newest twenty are kept', () => {
    const many = Array.from({ length: 30 }, (_, i) => item(i + 1));
    const kept = merge(many, []);
    expect(kept).toHaveLength(20);
    expect(kept[0].seq).toBe(30);
    expect(kept[19].seq).toBe(11);
  });
});

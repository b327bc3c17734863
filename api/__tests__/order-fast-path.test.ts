import { byteLimit, fastRoute, parseJsonBody } from '../order-fast-path';

describe('which requests the order fast path takes', () => {
  it('takes plain JSON posts to place and cancel, with or without a query string', () => {
    expect(fastRoute('POST', '/order/place', 'application/json', undefined)).toBe('place');
    expect(fastRoute('POST', '/order/cancel?x=1', 'Application/JSON; charset=UTF-8', undefined)).toBe('cancel');
  });

  it.each([
    ['another method', 'GET', '/order/place', 'application/json', undefined],
    ['another path', 'POST', '/order/placed', 'application/json', undefined],
    ['a status path', 'POST', '/order/status/1', 'application/json', undefined],
    ['no content type', 'POST', '/order/place', undefined, undefined],
    ['another charset', 'POST', '/order/place', 'application/json; charset=utf-16', undefined],
    ['a media-type parameter', 'POST', '/order/place', 'application/json; profile=x', undefined],
    ['a compressed body', 'POST', '/order/place', 'application/json', 'gzip'],
  ])('leaves %s to Express', (_name, method, url, contentType, encoding) => {
    expect(fastRoute(method, url, contentType, encoding)).toBeNull();
  });
});

describe('reading a body as express.json does', () => {
  it('parses objects and arrays, and reads an empty body as {}', () => {
    expect(parseJsonBody(' {"a":1}')).toEqual({ a: 1 });
    expect(parseJsonBody('[1]')).toEqual([1]);
    expect(parseJsonBody('')).toEqual({});
  });

  it.each(['"text"', '12', 'null', '{"a":', 'nope', '  ', '\f{}'])('refuses %s as a malformed body', (text) => {
    expect(() => parseJsonBody(text)).toThrow(expect.objectContaining({ type: 'entity.parse.failed' }));
  });

  it('reads size limits in express notation', () => {
    expect(byteLimit('16kb')).toBe(16_384);
    expect(byteLimit('1MB')).toBe(1_048_576);
    expect(byteLimit('512')).toBe(512);
    expect(() => byteLimit('lots')).toThrow('not a size');
  });
});

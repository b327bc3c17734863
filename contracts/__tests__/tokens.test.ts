import jwt from 'jsonwebtoken';
import { signingKey, verifyAccessToken } from '../tokens';

const SECRET = 'unit-test-secret-long-enough-1234';
const ISSUER = 'mock-exchange';
const sign = (claims: object, expiresIn: number, secret = SECRET) =>
  jwt.sign({ username: 'u', role: 'PARTICIPANT', typ: 'access', ...claims }, signingKey(secret), { algorithm: 'HS256', subject: 'user-1', issuer: ISSUER, expiresIn });

describe('verifying access tokens', () => {
  afterEach(() => jest.restoreAllMocks());

  it('accepts a good token again and again, and refuses it as expired once its time is up', () => {
    const now = Date.now();
    const token = sign({}, 60);
    expect(verifyAccessToken(token, SECRET, ISSUER)).toMatchObject({ sub: 'user-1', role: 'PARTICIPANT' });
    expect(verifyAccessToken(token, SECRET, ISSUER).sub).toBe('user-1');
    jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    expect(() => verifyAccessToken(token, SECRET, ISSUER)).toThrow('Access token expired');
    expect(() => verifyAccessToken(token, SECRET, ISSUER)).toThrow('Access token expired');
  });

  it('does not carry a verdict over to another secret or issuer', () => {
    const token = sign({}, 60);
    expect(verifyAccessToken(token, SECRET, ISSUER).sub).toBe('user-1');
    expect(() => verifyAccessToken(token, 'another-secret-that-is-long-enough', ISSUER)).toThrow('Invalid access token');
    expect(() => verifyAccessToken(token, SECRET, 'someone-else')).toThrow('Invalid access token');
  });

  it('refuses refresh tokens and tampered tokens every time', () => {
    const refresh = sign({ typ: 'refresh' }, 60);
    expect(() => verifyAccessToken(refresh, SECRET, ISSUER)).toThrow('Invalid access token');
    expect(() => verifyAccessToken(refresh, SECRET, ISSUER)).toThrow('Invalid access token');
    const good = sign({}, 60);
    verifyAccessToken(good, SECRET, ISSUER);
    const [h, p, sig] = good.split('.');
    const admin = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), role: 'ADMIN' })).toString('base64url');
    expect(() => verifyAccessToken(`${h}.${admin}.${sig}`, SECRET, ISSUER)).toThrow('Invalid access token');
  });

  it('hands out claims nobody can change for the next request', () => {
    const token = sign({}, 60);
    const claims = verifyAccessToken(token, SECRET, ISSUER);
    expect(() => {
      (claims as { role: string }).role = 'ADMIN';
    }).toThrow(TypeError);
    expect(verifyAccessToken(token, SECRET, ISSUER).role).toBe('PARTICIPANT');
  });
});

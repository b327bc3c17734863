/** The bots' way in: the public REST API, with a participant's token, like any other client. */
export class ApiClient {
  private token = '';

  constructor(
    private readonly baseUrl: string,
    readonly username: string,
    private readonly password: string,
    /** bots register themselves; the organiser account must already exist */
    private readonly mayRegister = true,
  ) {}

  userId = '';

  /** Registers the account the first time (if it may), logs in after that. */
  async login(): Promise<void> {
    const credentials = { username: this.username, password: this.password };
    let res = this.mayRegister ? await this.raw('POST', '/auth/register', credentials, false) : { status: 409, body: null };
    if (res.status === 409) res = await this.raw('POST', '/auth/login', credentials, false);
    if (res.status !== 200 && res.status !== 201) throw new Error(`${this.username} cannot log in: ${res.status} ${JSON.stringify(res.body)}`);
    this.token = res.body.data.accessToken;
    this.userId = res.body.data.user.id;
  }

  /** A request with the token; one fresh login if it has expired. */
  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    if (this.token === '') await this.login();
    let res = await this.raw(method, path, body, true);
    if (res.status === 401) {
      await this.login();
      res = await this.raw(method, path, body, true);
    }
    return res;
  }

  private async raw(method: string, path: string, body: unknown, auth: boolean): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {};
    if (auth) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed };
  }
}

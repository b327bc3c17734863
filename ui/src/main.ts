import { Api } from './api.js';
import { byId, setText } from './dom.js';
import { connectLive, resolveWsUrl, type ConnectionState, type LiveSocket } from './live.js';
import { OrganiserScreen } from './organiser.js';
import { TraderScreen } from './trader.js';
import { NewsPanel } from './news.js';
import { SocialPanel } from './social.js';
import { offerNotifications } from './toast.js';
import { refusalText } from './messages.js';

/** Boot: the sign-in form, or the trading screen (and the organiser's, for the admin role) once signed in. */
const api = new Api();
let socket: LiveSocket | null = null;

function showAuth(): void {
  socket?.disconnect();
  socket = null;
  byId('auth-view').hidden = false;
  byId('trade-view').hidden = true;
  byId('organiser-view').hidden = true;
  byId('nav').hidden = true;
  byId('sign-out').hidden = true;
  setText('who', '');
  drawConnection('offline');
}

function drawConnection(state: ConnectionState, detail?: string): void {
  const el = byId('connection');
  el.dataset.state = state;
  el.textContent = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', offline: 'Offline' }[state];
  el.title = detail ?? '';
}

async function showExchange(): Promise<void> {
  const user = api.user!;
  byId('auth-view').hidden = true;
  byId('nav').hidden = false;
  byId('nav-organiser').hidden = user.role !== 'ADMIN';
  byId('sign-out').hidden = false;
  setText('who', user.username);
  const trader = new TraderScreen(api);
  const news = new NewsPanel();
  const social = new SocialPanel(api);
  trader.onShare = (fill) => social.share(fill);
  trader.onProfile = (userId) => void social.showProfile(userId);
  offerNotifications(byId<HTMLButtonElement>('notify'));
  const organiser = user.role === 'ADMIN' ? new OrganiserScreen(api, trader) : null;
  if (organiser !== null) trader.onMarketChange = () => organiser.draw();
  const show = (view: string) => {
    byId('trade-view').hidden = view !== 'trade';
    byId('organiser-view').hidden = view !== 'organiser';
    document.querySelectorAll<HTMLButtonElement>('#nav [data-view]').forEach((b) => b.classList.toggle('active', b.dataset.view === view));
    location.hash = view;
    if (view === 'organiser') void organiser?.load();
  };
  document.querySelectorAll<HTMLButtonElement>('#nav [data-view]').forEach((b) => (b.onclick = () => show(b.dataset.view!)));
  show(location.hash === '#organiser' && organiser !== null ? 'organiser' : 'trade');

  const config = (await (await fetch('/app/config.json')).json()) as { wsUrl: string };
  socket = connectLive(resolveWsUrl(config.wsUrl, location), api, drawConnection, (s) => {
    void trader.sync(s).then(() => (byId('organiser-view').hidden ? undefined : organiser?.load()));
    void news.load(api);
    void social.load();
  });
  trader.attach(socket);
  news.attach(socket);
  social.attach(socket);
  organiser?.attach(socket);
}

function wireAuthForm(): void {
  const form = byId<HTMLFormElement>('auth-form');
  let kind: 'login' | 'register' = 'login';
  form.querySelectorAll<HTMLButtonElement>('[data-kind]').forEach((b) =>
    b.addEventListener('click', () => {
      kind = b.dataset.kind as typeof kind;
      form.querySelectorAll('[data-kind]').forEach((x) => x.classList.toggle('active', x === b));
      setText('auth-submit', kind === 'login' ? 'Log in' : 'Create account');
      (form.elements.namedItem('password') as HTMLInputElement).autocomplete = kind === 'login' ? 'current-password' : 'new-password';
    }),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const username = (form.elements.namedItem('username') as HTMLInputElement).value.trim();
    const password = (form.elements.namedItem('password') as HTMLInputElement).value;
    if (!/^[A-Za-z0-9_.-]{3,32}$/.test(username)) return setText('auth-error', 'Username: 3 to 32 letters, digits, _ . or -');
    if (password.length < 8) return setText('auth-error', 'Password: at least 8 characters');
    setText('auth-error', '');
    const submit = byId<HTMLButtonElement>('auth-submit');
    submit.disabled = true;
    const res = await api.signIn(kind, username, password);
    submit.disabled = false;
    if (!res.ok) return setText('auth-error', refusalText(res.code, res.error));
    // a fresh page for the signed-in user: no state of a previous session survives
    location.reload();
  });
}

api.onSignedOut = () => location.reload();
byId('sign-out').addEventListener('click', () => void api.signOut());
wireAuthForm();
if (api.user === null) showAuth();
else void showExchange();

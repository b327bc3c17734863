import type { Api } from './api.js';
import { byId, chooser, setText } from './dom.js';
import { esc, formatPercent, formatPrice, formatShares, formatTime } from './format.js';
import type { LiveSocket } from './live.js';
import { refusalText } from './messages.js';

/** A fill from the trade history, to attach to a post (the api copies the rest from the trade). */
export interface ShareableFill {
  tradeId: number;
  symbol: string;
  side: 'BUY' | 'SELL';
  price: number;
  quantity: number;
}

interface Post {
  postId: number;
  kind: 'POST' | 'ANNOUNCEMENT';
  author: { userId: string; username: string; displayName: string | null };
  text: string;
  pinned: boolean;
  fill: (ShareableFill & { executedAt: string }) | null;
  likes: number;
  comments: number;
  likedByMe: boolean;
  createdAt: string;
}

interface Note {
  notificationId: number;
  kind: string;
  text: string;
  read: boolean;
  createdAt: string;
}

const fillText = (f: ShareableFill) => `${f.side === 'BUY' ? 'Bought' : 'Sold'} ${formatShares(f.quantity)} ${f.symbol} @ ${formatPrice(f.price)}`;
const nameOf = (a: Post['author']) => a.displayName ?? a.username;
const KIND_TEXT: Record<string, string> = {
  FILL: 'My fills',
  ORDER_CANCELLED: 'Orders the exchange cancelled',
  FOLLOWER: 'New followers',
  COMMENT: 'Comments on my posts',
  LIKE: 'Likes on my posts',
  ANNOUNCEMENT: 'Announcements',
  NEWS: 'News',
  SESSION: 'Session changes',
};

/**
 * The social side of the participant's screen: the feed (post, with a fill shared from the trade
 * history; everyone's or those you follow; new posts live), the notification centre (unread count,
 * live, mark read) and profiles opened from the leaderboard (follow, unfollow). Everything people
 * wrote is escaped: it shows as the text it is, never as markup.
 */
export class SocialPanel {
  private scope: 'all' | 'following' = 'all';
  private posts: Post[] = [];
  private pinned: Post[] = [];
  private following = new Set<string>();
  private attached: ShareableFill | null = null;
  private notes: Note[] = [];
  private unread = 0;
  /** posts whose comments are shown, and the comments read */
  private readonly open = new Set<number>();
  private readonly comments = new Map<number, { author: Post['author']; text: string }[]>();
  private readonly organiser: boolean;

  constructor(private readonly api: Api) {
    this.organiser = api.user?.role === 'ADMIN';
    byId('post-announce').hidden = !this.organiser;
    this.wire();
  }

  attach(socket: LiveSocket): void {
    socket.on('post', (p: Post) => {
      if (p.pinned) this.pinned = [p, ...this.pinned.filter((x) => x.postId !== p.postId)];
      // a live post is one of those you follow, or your own: it belongs to both scopes
      else this.posts = [p, ...this.posts.filter((x) => x.postId !== p.postId)];
      this.drawFeed();
    });
    socket.on('notification', (n: Note) => {
      this.notes = [n, ...this.notes.filter((x) => x.notificationId !== n.notificationId)].slice(0, 50);
      this.unread++;
      this.drawNotes();
    });
  }

  /** Everything the panels show, after each (re)connect. */
  async load(): Promise<void> {
    await Promise.all([this.loadFeed(), this.loadNotes(), this.loadFollowing(), this.loadKinds()]);
  }

  private async loadKinds(): Promise<void> {
    const res = await this.api.call('GET', '/notifications/preferences');
    if (!res.ok) return;
    byId('notification-kind-list').innerHTML = Object.entries(res.data.kinds as Record<string, boolean>)
      .map(([kind, on]) => `<label><input type="checkbox" data-kind="${esc(kind)}"${on ? ' checked' : ''}> ${esc(KIND_TEXT[kind] ?? kind)}</label>`)
      .join('');
  }

  private async loadComments(postId: number): Promise<void> {
    const res = await this.api.call('GET', `/feed/posts/${postId}/comments?limit=50`);
    if (res.ok) this.comments.set(postId, res.data.items);
    this.drawFeed();
  }

  /** From the trade history's Share button: the fill goes with the next post. */
  share(fill: ShareableFill): void {
    this.attached = fill;
    this.drawAttached();
    (document.querySelector<HTMLButtonElement>('#activity-tabs [data-tab="feed"]'))?.click();
    byId<HTMLTextAreaElement>('post-text').focus();
  }

  /** From the leaderboard: a participant's public profile. */
  async showProfile(userId: string): Promise<void> {
    const res = await this.api.call('GET', `/profiles/${encodeURIComponent(userId)}`);
    const box = byId('profile');
    if (!res.ok) {
      box.hidden = false;
      box.innerHTML = `<p class="rejected">${esc(refusalText(res.code, res.error))}</p>`;
      return;
    }
    const p = res.data;
    const mine = p.userId === this.api.user?.id;
    const follows = this.following.has(p.userId);
    const own = mine ? await this.api.call('GET', '/account/profile') : null;
    const edit =
      own === null || !own.ok
        ? ''
        : `<form id="profile-edit" novalidate><label>Display name <input name="displayName" maxlength="40" autocomplete="nickname" value="${esc(own.data.displayName ?? '')}"></label>
          <label>Bio <textarea name="bio" maxlength="280" rows="2">${esc(own.data.bio ?? '')}</textarea></label>
          <label><input type="checkbox" name="showPositions"${own.data.showPositions ? ' checked' : ''}> Show my open positions</label>
          <button type="submit">Save</button> <span id="profile-verdict" role="status" aria-live="polite"></span></form>`;
    const positions = p.positions === null ? '<p class="muted">Positions not shown</p>' : `<p>${p.positions.map((x: { symbol: string; quantity: number }) => `${esc(x.symbol)} ${esc(formatShares(x.quantity))}`).join(', ') || 'No open positions'}</p>`;
    box.hidden = false;
    const percent = (v: number | null, sign = 1) => (v === null ? '—' : esc(formatPercent((sign * v) / 100))); // percent, not cents
    box.innerHTML = `<h3>${esc(p.displayName ?? p.username)} <span class="muted">@${esc(p.username)}</span></h3>
      <p>${esc(p.bio ?? '')}</p>
      <dl class="figures"><div><dt>Rank</dt><dd>${p.rank ?? '—'}</dd></div><div><dt>Return</dt><dd>${percent(p.returnPct)}</dd></div><div><dt>Max drawdown</dt><dd>${percent(p.maxDrawdownPct, -1)}</dd></div><div><dt>Sharpe</dt><dd>${p.sharpe === null ? '—' : p.sharpe.toFixed(2)}</dd></div><div><dt>Trades</dt><dd>${p.trades}</dd></div><div><dt>Followers</dt><dd>${p.followers}</dd></div></dl>
      ${positions}
      ${edit}
      ${mine ? '' : `<button type="button" id="profile-follow" data-user="${esc(p.userId)}">${follows ? 'Unfollow' : 'Follow'}</button>`}
      <button type="button" id="profile-close">Close</button>`;
  }

  private async loadFollowing(): Promise<void> {
    const res = await this.api.call('GET', '/follows');
    if (res.ok) this.following = new Set(res.data.following.map((f: { userId: string }) => f.userId));
  }

  private async loadFeed(): Promise<void> {
    const res = await this.api.call('GET', this.scope === 'all' ? '/feed?limit=30' : '/feed/following?limit=30');
    if (!res.ok) return;
    this.pinned = res.data.pinned;
    this.posts = res.data.items;
    this.drawFeed();
  }

  private async loadNotes(): Promise<void> {
    const res = await this.api.call('GET', '/notifications?limit=30');
    if (!res.ok) return;
    this.notes = res.data.items;
    this.unread = res.data.unread;
    this.drawNotes();
  }

  private drawFeed(): void {
    const me = this.api.user?.id;
    const shown = this.scope === 'all' ? this.posts : this.posts.filter((p) => p.author.userId === me || this.following.has(p.author.userId));
    const item = (p: Post) =>
      `<li class="post${p.pinned ? ' pinned' : ''}" data-post="${p.postId}">
        <div><strong>${esc(nameOf(p.author))}</strong> <span class="muted">${esc(formatTime(p.createdAt))}${p.pinned ? ' · pinned' : ''}</span></div>
        <p class="post-text">${esc(p.text)}</p>
        ${p.fill === null ? '' : `<p class="post-fill ${p.fill.side === 'BUY' ? 'buy-text' : 'sell-text'}">${esc(fillText(p.fill))}</p>`}
        <button type="button" data-like="${p.postId}" aria-pressed="${p.likedByMe}">${p.likedByMe ? 'Liked' : 'Like'} (${p.likes})</button>
        <button type="button" data-comments="${p.postId}" aria-expanded="${this.open.has(p.postId)}">Comments (${p.comments})</button>
        ${this.organiser ? `<button type="button" class="danger" data-moderate="hide" data-post-id="${p.postId}">Hide</button> <button type="button" class="danger" data-mute="${esc(p.author.userId)}">Mute author 30 min</button>` : ''}
        ${this.open.has(p.postId) ? `<ol class="comments">${(this.comments.get(p.postId) ?? []).map((c) => `<li><strong>${esc(nameOf(c.author))}</strong> <span class="post-text">${esc(c.text)}</span></li>`).join('')}</ol>
        <form class="comment-form" data-post-id="${p.postId}" novalidate><label>Comment <input name="text" maxlength="500" autocomplete="off"></label> <button type="submit">Send</button></form>` : ''}
      </li>`;
    byId('feed').innerHTML = [...this.pinned, ...shown].map(item).join('') || `<li class="muted">${this.scope === 'all' ? 'No posts yet' : 'Nothing yet from you or those you follow'}</li>`;
  }

  private drawAttached(): void {
    byId('post-fill').innerHTML = this.attached === null ? '' : `Attached: ${esc(fillText(this.attached))} <button type="button" id="post-unattach">Remove</button>`;
  }

  private drawNotes(): void {
    setText('notification-count', this.unread > 0 ? String(this.unread) : '');
    byId('notifications').innerHTML = this.notes.map((n) => `<li class="${n.read ? 'muted' : ''}"><span class="muted">${esc(formatTime(n.createdAt))}</span> ${esc(n.text)}</li>`).join('') || '<li class="muted">Nothing yet</li>';
  }

  private wire(): void {
    byId<HTMLFormElement>('post-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      const text = byId<HTMLTextAreaElement>('post-text');
      if (text.value.trim() === '') return setText('post-verdict', 'Write something first', 'rejected');
      const announce = this.organiser && (byId<HTMLFormElement>('post-form').elements.namedItem('announce') as HTMLInputElement).checked;
      const res = announce
        ? await this.api.call('POST', '/admin/announcements', { text: text.value })
        : await this.api.call('POST', '/feed/posts', { text: text.value, ...(this.attached === null ? {} : { tradeId: this.attached.tradeId }) });
      if (!res.ok) return setText('post-verdict', `Not posted: ${refusalText(res.code, res.error)}`, 'rejected');
      setText('post-verdict', 'Posted', 'accepted');
      text.value = '';
      this.attached = null;
      this.drawAttached();
      // your own post comes back live too; add it now in case the socket is reconnecting
      if (res.data.pinned) this.pinned = [res.data, ...this.pinned.filter((x) => x.postId !== res.data.postId)];
      else this.posts = [res.data, ...this.posts.filter((x) => x.postId !== res.data.postId)];
      this.drawFeed();
    });
    byId('post-fill').addEventListener('click', (e) => {
      if ((e.target as HTMLElement).id !== 'post-unattach') return;
      this.attached = null;
      this.drawAttached();
    });
    chooser('feed-scope', 'scope', (scope) => {
      this.scope = scope as typeof this.scope;
      void this.loadFeed();
    });
    byId('notification-kind-list').addEventListener('change', async (e) => {
      const box = e.target as HTMLInputElement;
      const res = await this.api.call('POST', '/notifications/preferences', { kinds: { [box.dataset.kind!]: box.checked } });
      if (!res.ok) box.checked = !box.checked;
    });
    byId('feed').addEventListener('submit', async (e) => {
      const form = (e.target as HTMLElement).closest<HTMLFormElement>('form.comment-form');
      if (form === null) return;
      e.preventDefault();
      const postId = Number(form.dataset.postId);
      const input = form.elements.namedItem('text') as HTMLInputElement;
      if (input.value.trim() === '') return;
      const res = await this.api.call('POST', `/feed/posts/${postId}/comments`, { text: input.value });
      if (!res.ok) return setText('post-verdict', `Not sent: ${refusalText(res.code, res.error)}`, 'rejected');
      const post = this.posts.find((p) => p.postId === postId) ?? this.pinned.find((p) => p.postId === postId);
      if (post !== undefined) post.comments++;
      await this.loadComments(postId);
    });
    byId('feed').addEventListener('click', async (e) => {
      const target = e.target as HTMLElement;
      const toggle = target.closest<HTMLButtonElement>('button[data-comments]');
      if (toggle !== null) {
        const postId = Number(toggle.dataset.comments);
        if (this.open.delete(postId)) return this.drawFeed();
        this.open.add(postId);
        return this.loadComments(postId);
      }
      const hide = target.closest<HTMLButtonElement>('button[data-moderate]');
      if (hide !== null) {
        const postId = Number(hide.dataset.postId);
        const res = await this.api.call('POST', `/admin/posts/${postId}/moderate`, { action: hide.dataset.moderate });
        if (res.ok) {
          this.posts = this.posts.filter((p) => p.postId !== postId);
          this.pinned = this.pinned.filter((p) => p.postId !== postId);
          this.drawFeed();
        }
        return;
      }
      const mute = target.closest<HTMLButtonElement>('button[data-mute]');
      if (mute !== null) {
        const res = await this.api.call('POST', '/admin/mutes', { userId: mute.dataset.mute, minutes: 30 });
        setText('post-verdict', res.ok ? 'Muted for 30 minutes' : `Not muted: ${refusalText(res.code, res.error)}`, res.ok ? 'accepted' : 'rejected');
        return;
      }
      const b = target.closest<HTMLButtonElement>('button[data-like]');
      if (b === null) return;
      const post = [...this.pinned, ...this.posts].find((p) => p.postId === Number(b.dataset.like));
      if (post === undefined) return;
      const res = await this.api.call(post.likedByMe ? 'DELETE' : 'POST', `/feed/posts/${post.postId}/like`);
      if (!res.ok) return;
      post.likedByMe = res.data.liked;
      post.likes = res.data.likes;
      this.drawFeed();
    });
    byId('notifications-read').addEventListener('click', async () => {
      const res = await this.api.call('POST', '/notifications/read', { all: true });
      if (!res.ok) return;
      this.unread = res.data.unread;
      this.notes = this.notes.map((n) => ({ ...n, read: true }));
      this.drawNotes();
    });
    byId('my-profile').addEventListener('click', () => {
      (document.querySelector<HTMLButtonElement>('#activity-tabs [data-tab="leaderboard"]'))?.click();
      void this.showProfile(this.api.user!.id);
    });
    byId('profile').addEventListener('submit', async (e) => {
      const form = (e.target as HTMLElement).closest<HTMLFormElement>('#profile-edit');
      if (form === null) return;
      e.preventDefault();
      const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
      const res = await this.api.call('POST', '/account/profile', {
        displayName: value('displayName').trim() === '' ? null : value('displayName'),
        bio: value('bio') === '' ? null : value('bio'),
        showPositions: (form.elements.namedItem('showPositions') as HTMLInputElement).checked,
      });
      if (!res.ok) return setText('profile-verdict', `Not saved: ${refusalText(res.code, res.error)}`, 'rejected');
      await this.showProfile(this.api.user!.id);
      setText('profile-verdict', 'Saved', 'accepted');
    });
    byId('profile').addEventListener('click', async (e) => {
      const t = e.target as HTMLElement;
      if (t.id === 'profile-close') byId('profile').hidden = true;
      if (t.id !== 'profile-follow') return;
      const userId = t.dataset.user!;
      const res = await this.api.call(this.following.has(userId) ? 'DELETE' : 'POST', `/follows/${encodeURIComponent(userId)}`);
      if (!res.ok) return;
      if (res.data.following) this.following.add(userId);
      else this.following.delete(userId);
      await this.showProfile(userId);
    });
  }
}

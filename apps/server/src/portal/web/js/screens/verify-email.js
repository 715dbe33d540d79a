// The mailed link that confirms an address: its token is sent once, and the outcome shown.
import { api, ApiError } from '../api.js';
import { el } from '../dom.js';
import { t } from '../i18n.js';
import { go } from '../navigation.js';
import { leaveLink, tokenFromLink } from './sign-in.js';

export async function verifyEmailScreen(state) {
  // 'done' | 'failed' | 'network'; a token is spent once: never resent when the screen is drawn again.
  if (state.outcome === undefined) {
    try {
      await api('POST', '/auth/verify-email', { token: tokenFromLink() });
      state.outcome = 'done';
    } catch (error) {
      state.outcome = error instanceof ApiError && error.status !== 0 ? 'failed' : 'network';
    }
    leaveLink();
  }
  const outcomes = { done: t('verify.done'), failed: t('verify.failed'), network: t('error.network') };
  return el(
    'div',
    {},
    el('h1', { text: t('verify.heading') }),
    el('p', { class: state.outcome === 'done' ? undefined : 'error', text: outcomes[state.outcome] }),
    el('button', { type: 'button', text: t('verify.continue'), onclick: () => go('signIn') }),
  );
}

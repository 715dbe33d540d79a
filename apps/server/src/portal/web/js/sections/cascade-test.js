// Testing the list: start a test call to each number, and per number the last result; followed
// every 3 s while the calls run.
import { api } from '../api.js';
import { announce, clearMessages, el } from '../dom.js';
import { handleError } from '../forms.js';
import { dateTime, t } from '../i18n.js';

export async function cascadeTest(childId) {
  const path = `/children/${encodeURIComponent(childId)}/cascade/test`;
  const section = el('section', { class: 'box', 'aria-labelledby': 'test-title' });
  const status = el('p', { class: 'hint', role: 'status' });
  const results = el('ul', { class: 'checks' });
  const startButton = el('button', { type: 'button', class: 'secondary', id: 'start-test', text: t('check.start') });
  let timer;
  let wasRunning = false;

  function draw(view) {
    const running = Boolean(view.test?.running);
    status.textContent = running ? t('check.running', { position: view.test.currentPosition ?? 1 }) : '';
    startButton.disabled = running;
    results.replaceChildren(
      ...view.numbers.map((n) =>
        el(
          'li',
          {},
          el('strong', { text: `${n.position}. ${n.number}` }),
          n.label ? el('span', { text: ` (${n.label})` }) : null,
          el('br'),
          el('span', { text: n.lastCheckAt ? t('check.lastCheck', { date: dateTime(n.lastCheckAt), result: t(`check.result.${n.lastCheckResult}`) }) : t('check.never') }),
          el('br'),
          el('span', { class: 'hint', text: n.lastVerifiedAt ? t('check.confirmedAt', { date: dateTime(n.lastVerifiedAt) }) : t('check.neverConfirmed') }),
        ),
      ),
    );
    clearTimeout(timer);
    // While the calls run, follow them; stop once the section has left the page.
    if (running) timer = setTimeout(refresh, 3000);
    else if (wasRunning) announce(t('check.done'));
    wasRunning = running;
  }

  async function refresh() {
    if (!section.isConnected) return;
    try {
      draw(await api('GET', path));
    } catch (error) {
      handleError(error);
    }
  }

  startButton.addEventListener('click', async () => {
    startButton.disabled = true;
    clearMessages();
    try {
      draw(await api('POST', path, {}));
      announce(t('check.started'));
    } catch (error) {
      startButton.disabled = false;
      handleError(error);
    }
  });

  section.append(el('h2', { id: 'test-title', text: t('check.heading') }), el('p', { class: 'hint', text: t('check.help') }), results, status, startButton);
  try {
    draw(await api('GET', path));
  } catch {
    // The editor still works without the test results.
  }
  return section;
}

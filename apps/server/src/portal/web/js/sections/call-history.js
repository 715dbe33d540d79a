// The calls about a child (GET /children/:id/calls), newest first; the legs of each in a disclosure.
import { el } from '../dom.js';
import { dateTime, has, plural, t } from '../i18n.js';

/** A message named after an API code (`<prefix>.<code>`), or the code itself if the page has none. */
const coded = (prefix, code) => (has(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : code);

/** Which leg: the hotline, or a number of the list by position and the label it had then. */
function legName(leg) {
  if (leg.hotline) return t('calls.hotline');
  return leg.label ? t('calls.numberLabelled', { position: leg.position, label: leg.label }) : t('cascade.number', { position: leg.position });
}

export function callHistory(calls) {
  const section = el('section', { class: 'box', 'aria-labelledby': 'calls-title' }, el('h2', { id: 'calls-title', text: t('calls.title') }), el('p', { class: 'hint', text: t('calls.help') }));
  if (calls.length === 0) {
    section.append(el('p', { text: t('calls.none') }));
    return section;
  }
  const list = el('ol', { class: 'calls' });
  for (const call of calls) {
    const when = dateTime(call.startedAt, { dateStyle: 'medium', timeStyle: 'short' });
    list.append(
      el(
        'li',
        {},
        el('p', {}, el('time', { datetime: call.startedAt, text: when }), ' — ', el('span', { text: call.outcome ? coded('calls.outcome', call.outcome) : t('calls.outcomeUnknown') })),
        call.answeredBy ? el('p', { text: t('calls.answeredBy', { leg: legName(call.answeredBy) }) }) : null,
        call.legs.length > 0
          ? el(
              'details',
              {},
              el('summary', { text: plural('calls.legs', call.legs.length) }),
              el('ol', { class: 'legs' }, call.legs.map((leg) => el('li', { text: t('calls.leg', { leg: legName(leg), result: coded('calls.result', leg.result) }) }))),
            )
          : null,
      ),
    );
  }
  section.append(list);
  return section;
}

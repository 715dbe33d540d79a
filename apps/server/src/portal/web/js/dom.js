// Building the page: elements from plain data (textContent only, never HTML from strings), labelled
// fields bound to their screen's state, and the two live regions.

/**
 * An element. Attributes: `text` (textContent), `on<event>` (a listener), `bind: [object, key]`
 * (the value, or `checked` for a checkbox, is read from and kept in object[key] as the user types),
 * booleans as present/absent, anything else as an attribute.
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  let binding = null;
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') node.textContent = value;
    else if (name === 'bind') binding = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'value') node.value = value;
    else if (name === 'checked') node.checked = Boolean(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child) node.append(child);
  if (binding) bind(node, ...binding);
  return node;
}

function bind(node, object, key) {
  const property = node.type === 'checkbox' ? 'checked' : 'value';
  if (object[key] !== undefined) node[property] = object[key];
  for (const type of ['input', 'change']) node.addEventListener(type, () => (object[key] = node[property]));
}

/** A labelled input with its error slot (aria-describedby), keyed by the API's field name. */
export function field(id, label, attributes = {}, hint) {
  const input = el(attributes.tag ?? 'input', { id, name: id, 'aria-describedby': `${id}-error${hint ? ` ${id}-hint` : ''}`, ...attributes, tag: undefined });
  return el(
    'div',
    { class: 'field' },
    el('label', { for: id, text: label }),
    hint ? el('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null,
    input,
    el('p', { class: 'error', id: `${id}-error` }),
  );
}

export function announce(text) {
  document.getElementById('alert').textContent = '';
  const live = document.getElementById('live');
  live.textContent = '';
  // A fresh text node so screen readers announce a repeated message too.
  setTimeout(() => (live.textContent = text), 50);
}

export function alertError(text) {
  document.getElementById('live').textContent = '';
  const alert = document.getElementById('alert');
  alert.textContent = '';
  setTimeout(() => (alert.textContent = text), 50);
}

export function clearMessages() {
  document.getElementById('live').textContent = '';
  document.getElementById('alert').textContent = '';
}

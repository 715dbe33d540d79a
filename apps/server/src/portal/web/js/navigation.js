// Which screen is shown. A screen is a function (state, ...args) → element (or null when it could
// not load: the page stays as it was). `state` belongs to one visit of the screen: what the parent
// typed lives there, so drawing the screen again (in another language) keeps it.
import { clearMessages } from './dom.js';

const screens = new Map();
let current = null;
let drawNav = () => [];

/** The screens by name, and the navigation bar's buttons (drawn again with each screen). */
export function setScreens(byName, nav) {
  for (const [name, screen] of Object.entries(byName)) screens.set(name, screen);
  drawNav = nav;
}

export function currentScreen() {
  return current?.name ?? null;
}

/** Shows a screen with a fresh state, then moves the focus to its heading. */
export async function go(name, ...args) {
  current = { name, args, state: {} };
  clearMessages();
  await redraw();
}

/** Draws the current screen again, with the same state (after a change of language). */
export async function redraw() {
  const main = document.getElementById('main');
  const content = await screens.get(current.name)(current.state, ...current.args);
  if (!content) return;
  main.replaceChildren(content);
  document.getElementById('nav').replaceChildren(...drawNav());
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
}

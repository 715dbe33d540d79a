// Usage: node render-prompts.js PROMPTS_DIR SOUNDS_DIR
import { renderPrompts } from '../telephony/prompts/render-prompts';
import { runCli } from './run-cli';

runCli(async () => {
  const [promptsDir, soundsDir] = process.argv.slice(2);
  if (!promptsDir || !soundsDir) throw new Error('usage: render-prompts PROMPTS_DIR SOUNDS_DIR');
  const started = Date.now();
  const { rendered, skipped } = await renderPrompts(promptsDir, soundsDir);
  process.stderr.write(skipped ? 'prompts up to date\n' : `rendered ${rendered} prompt files in ${Date.now() - started} ms\n`);
});

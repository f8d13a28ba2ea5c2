// Where the load came from (#14), in every report: said when a generator inside Docker sent it, silent otherwise.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderHtml } from '../../src/report/html.ts';
import { loadSourceWords } from '../../src/report/load-source.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { renderTerminal } from '../../src/report/terminal.ts';
import { runResult } from './fixture.ts';

const inDocker = () => {
  const result = runResult();
  return runResult({
    environment: {
      ...result.environment,
      generator: { where: 'docker', host: 'tcp://user:secret@10.0.0.5:2376', image: 'node:24-bookworm-slim' },
    },
  });
};
const WORDS =
  "load generated inside the Docker engine at tcp://***@10.0.0.5:2376, in a container (node:24-bookworm-slim) on the stack's network: the runner sent none";

describe('where the load came from', () => {
  test('in words, credentials redacted; nothing for the runner', () => {
    assert.equal(loadSourceWords(inDocker()), WORDS);
    const result = runResult();
    assert.equal(loadSourceWords(runResult({ environment: { ...result.environment, generator: { where: 'runner' } } })), undefined);
    assert.equal(loadSourceWords(result), undefined);
  });

  test('the terminal, the comment and the HTML report say it', async () => {
    assert.ok(renderTerminal(inDocker(), { color: false }).split('\n').includes(WORDS));
    // Escaped as the comment escapes every text: a zero-width space breaks autolinks, Markdown's own characters escaped.
    const escaped =
      "- Load: load generated inside the Docker engine at tcp:\u200b//\\*\\*\\*@\u200b10.0.0.5:2376, in a container \\(node:24-bookworm-slim\\) on the stack's network: the runner sent none";
    assert.ok(renderMarkdown(inDocker()).split('\n').includes(escaped));
    assert.ok(
      (await renderHtml(inDocker())).includes('<li>load generated inside the Docker engine at tcp://***@10.0.0.5:2376, in a container'),
    );
  });
});

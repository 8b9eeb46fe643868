import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFault } from '../src/faults.js';
import type { Sandbox } from '../src/index.js';
import { parseScenarioPatch } from '../src/scenario.js';
import { createExport, startTestSandbox } from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

const drip = { afterBytes: 0, bytes: 1, everyMs: 10 };

describe('parseFault', () => {
  it.each([
    [
      'an empty rewrite',
      { route: 'status', rewrite: {} },
      /fault\.rewrite must name at least one path/,
    ],
    [
      'a rewrite that is not an object',
      { route: 'status', rewrite: 'data.gid' },
      /fault\.rewrite must be an object/,
    ],
    [
      'an empty path',
      { route: 'status', rewrite: { '': 1 } },
      /fault\.rewrite path "" must be dot-separated/,
    ],
    [
      'a malformed path',
      { route: 'status', rewrite: { 'data..gid': 1 } },
      /fault\.rewrite path "data\.\.gid"/,
    ],
    [
      'a path with an index',
      { route: 'status', rewrite: { 'data.0': 1 } },
      /fault\.rewrite path "data\.0"/,
    ],
    ['a prototype path', { route: 'status', rewrite: { 'data.__proto__.x': 1 } }, /__proto__/],
    [
      'a value JSON cannot carry',
      { route: 'status', rewrite: { 'data.gid': Number.NaN } },
      /fault\.rewrite\["data\.gid"\] must be a JSON value/,
    ],
    [
      'a rewrite on download',
      { route: 'download', rewrite: { 'data.gid': 1 } },
      /rewrite faults apply to routes "create" and "status"/,
    ],
    [
      'a non-boolean final',
      { route: 'status', rewrite: { 'data.gid': 1 }, final: 'yes' },
      /fault\.final must be a boolean/,
    ],
    [
      'a misspelt field',
      { route: 'status', rewrite: { 'data.gid': 1 }, finale: true },
      /fault\.finale is not a field of rewrite faults/,
    ],
    [
      'an unknown garble',
      { route: 'status', garble: 'gzip' },
      /fault\.garble must be one of truncated-json, html/,
    ],
    [
      'a garble on download',
      { route: 'download', garble: 'html' },
      /garble faults apply to routes "create" and "status"/,
    ],
    ['hang other than true', { route: 'create', hang: 1 }, /fault\.hang must be true/],
    [
      'two kinds at once',
      { route: 'status', hang: true, status: 500 },
      /fault must have only one of status, hang/,
    ],
    ['a drip on status', { route: 'status', drip }, /drip only applies to "download"/],
    [
      'a drip that is not an object',
      { route: 'download', drip: 5 },
      /fault\.drip must be an object/,
    ],
    [
      'a drip without bytes',
      { route: 'download', drip: { afterBytes: 0, everyMs: 5 } },
      /fault\.drip\.bytes must be an integer of at least 1/,
    ],
    [
      'a negative afterBytes',
      { route: 'download', drip: { ...drip, afterBytes: -1 } },
      /fault\.drip\.afterBytes must be a non-negative integer/,
    ],
    [
      'everyMs 0',
      { route: 'download', drip: { ...drip, everyMs: 0 } },
      /fault\.drip\.everyMs must be an integer from 1 to 2147483647/,
    ],
    [
      'everyMs past the timer limit',
      { route: 'download', drip: { ...drip, everyMs: 2 ** 31 } },
      /fault\.drip\.everyMs/,
    ],
    [
      'an unknown drip field',
      { route: 'download', drip: { ...drip, speed: 3 } },
      /fault\.drip\.speed is not a field of drip/,
    ],
    [
      'a redirect status that is not one',
      { route: 'download', redirect: 304 },
      /fault\.redirect must be one of 301, 302, 303, 307, 308/,
    ],
    [
      'a redirect on status',
      { route: 'status', redirect: 302 },
      /redirect only applies to "download"/,
    ],
    [
      'a location that is not a string',
      { route: 'download', redirect: 302, location: 42 },
      /fault\.location/,
    ],
    [
      'a location with a newline',
      { route: 'download', redirect: 302, location: 'a\r\nSet-Cookie: x' },
      /fault\.location/,
    ],
    ['an empty location', { route: 'download', redirect: 302, location: '' }, /fault\.location/],
    [
      'changeObject other than true',
      { route: 'download', changeObject: false },
      /fault\.changeObject must be true/,
    ],
    [
      'changeObject on create',
      { route: 'create', changeObject: true },
      /changeObject only applies to "download"/,
    ],
  ])('refuses %s, naming the field', (_name, fault, message) => {
    expect(() => parseFault(fault)).toThrow(message);
  });

  it('returns a normalised copy of the new faults', () => {
    const rewrite = { 'data.gid': { nested: [1, null] } };
    const parsed = parseFault({ route: 'status', rewrite, final: true });
    expect(parsed).toEqual({ route: 'status', times: 1, rewrite, final: true });
    rewrite['data.gid'].nested.push(2);
    expect(parsed).toEqual({
      route: 'status',
      times: 1,
      rewrite: { 'data.gid': { nested: [1, null] } },
      final: true,
    });
    expect(parseFault({ route: 'download', redirect: 308, location: '/x', times: 2 })).toEqual({
      route: 'download',
      times: 2,
      redirect: 308,
      location: '/x',
    });
    expect(parseFault({ route: 'download', drip })).toEqual({ route: 'download', times: 1, drip });
    expect(parseFault({ route: 'create', hang: true })).toEqual({
      route: 'create',
      times: 1,
      hang: true,
    });
    expect(parseFault({ route: 'create', garble: 'html' })).toMatchObject({ garble: 'html' });
    expect(parseFault({ route: 'download', changeObject: true })).toMatchObject({
      changeObject: true,
    });
  });

  it('never lets a rewrite path reach a prototype', async () => {
    // Own-property checks: "constructor" is refused, and "toString" becomes an own field.
    expect(() => parseFault({ route: 'status', rewrite: { 'data.constructor.x': 1 } })).toThrow(
      /constructor/,
    );
    const { statusPath } = await createExport(sandbox, 'graph');
    sandbox.inject({ route: 'status', rewrite: { 'data.toString.x': 1 } });
    const response = await fetch(`${sandbox.apiUrl}${statusPath}`, {
      headers: { Authorization: `Bearer ${sandbox.token}` },
    });
    expect(((await response.json()) as { data: { toString: unknown } }).data.toString).toEqual({
      x: 1,
    });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('parseScenarioPatch', () => {
  it.each([
    [{ ifRange: 'maybe' }, /ifRange must be "honour" or "ignore"/],
    [{ layout: 'multi' }, /layout must be one of single, members/],
    [{ longLineBytes: 0 }, /longLineBytes must be a positive integer/],
    [{ longLineBytes: 1.5 }, /longLineBytes must be a positive integer/],
    [{ longLineBytes: '64MB' }, /longLineBytes must be a positive integer/],
    [{ corruption: 'long-lines' }, /corruption must be one of .*long-line, long-broken-line/],
  ])('refuses %j', (patch, message) => {
    expect(() => parseScenarioPatch(patch)).toThrow(message);
  });

  it('accepts the new fields', () => {
    const patch = {
      ifRange: 'ignore',
      layout: 'members',
      longLineBytes: 1,
      corruption: 'long-broken-line',
    };
    expect(parseScenarioPatch(patch)).toEqual(patch);
  });
});

describe('the control endpoints', () => {
  const control = (path: string, body: unknown) =>
    fetch(new URL(`/_sandbox/${path}`, sandbox.apiUrl), {
      method: 'POST',
      body: JSON.stringify(body),
    });

  it('refuse malformed new faults and scenario fields with 400 naming the field', async () => {
    const badDrip = await control('inject', {
      route: 'download',
      drip: { afterBytes: 1, bytes: 0, everyMs: 1 },
    });
    expect(badDrip.status).toBe(400);
    expect(await badDrip.json()).toEqual({ error: expect.stringMatching(/fault\.drip\.bytes/) });
    const badLayout = await control('configure', { layout: 'zip' });
    expect(badLayout.status).toBe(400);
    expect(await badLayout.json()).toEqual({ error: expect.stringMatching(/layout/) });
  });

  it('inject the new faults and configure the new fields', async () => {
    const configured = await control('configure', {
      ifRange: 'ignore',
      layout: 'members',
      longLineBytes: 5,
    });
    expect(await configured.json()).toMatchObject({
      ifRange: 'ignore',
      layout: 'members',
      longLineBytes: 5,
    });
    await control('configure', { ifRange: 'honour', layout: 'single' });

    const injected = await control('inject', { route: 'status', garble: 'html' });
    expect(await injected.json()).toEqual({ route: 'status', times: 1, garble: 'html' });
    const { statusPath } = await createExport(sandbox, 'graph');
    const page = await fetch(`${sandbox.apiUrl}${statusPath}`, {
      headers: { Authorization: `Bearer ${sandbox.token}` },
    });
    expect(page.headers.get('content-type')).toBe('text/html');
  });
});

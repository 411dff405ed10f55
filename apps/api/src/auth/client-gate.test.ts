import { describe, expect, it } from '@jest/globals';
import { ClientGate } from './client-gate.js';

/** Admits one request of `client`; `started` says whether it runs, `end` ends it. */
function request(gate: ClientGate, client: string, log: string[], name: string) {
  let end: () => void = () => {
    throw new Error(`${name} has not started`);
  };
  const admitted = gate.admit(client, (done) => {
    log.push(name);
    end = done;
  });
  return { admitted, end: () => end() };
}

describe('ClientGate', () => {
  it('runs at most inFlight requests of a client at once, the rest in arrival order as earlier ones end', () => {
    const gate = new ClientGate(2, 10);
    const log: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => request(gate, '10.0.0.1', log, n));
    expect([a, b, c, d].map((r) => r!.admitted)).toEqual([true, true, true, true]);
    expect(log).toEqual(['a', 'b']);
    expect(gate.waiting).toBe(2);
    b!.end();
    expect(log).toEqual(['a', 'b', 'c']);
    a!.end();
    expect(log).toEqual(['a', 'b', 'c', 'd']);
    expect(gate.waiting).toBe(0);
  });

  it("never holds one client's request behind another client's", () => {
    const gate = new ClientGate(1, 10);
    const log: string[] = [];
    request(gate, 'busy', log, 'busy-1');
    request(gate, 'busy', log, 'busy-2');
    request(gate, 'quiet', log, 'quiet-1');
    expect(log).toEqual(['busy-1', 'quiet-1']);
  });

  it('refuses past maxWaiting without running the request, and admits again once the line moves', () => {
    const gate = new ClientGate(1, 1);
    const log: string[] = [];
    const first = request(gate, 'c', log, 'first');
    expect(request(gate, 'c', log, 'second').admitted).toBe(true);
    expect(request(gate, 'c', log, 'third').admitted).toBe(false);
    expect(log).toEqual(['first']);
    first.end();
    expect(log).toEqual(['first', 'second']);
    expect(request(gate, 'c', log, 'fourth').admitted).toBe(true);
    expect(log).toEqual(['first', 'second']);
  });

  it('counts a request once however often it says it ended, and forgets a client once its last request ended', () => {
    const gate = new ClientGate(1, 5);
    const log: string[] = [];
    const first = request(gate, 'c', log, 'first');
    const second = request(gate, 'c', log, 'second');
    const third = request(gate, 'c', log, 'third');
    first.end();
    first.end(); // a second call must not start `third` early
    expect(log).toEqual(['first', 'second']);
    second.end();
    expect(log).toEqual(['first', 'second', 'third']);
    expect(gate.clients).toBe(1);
    third.end();
    expect(gate.clients).toBe(0);
  });

  it('with maxWaiting 0 refuses every request past inFlight', () => {
    const gate = new ClientGate(2, 0);
    const log: string[] = [];
    expect([1, 2, 3].map((i) => request(gate, 'c', log, `r${i}`).admitted)).toEqual([true, true, false]);
  });

  it('needs room for at least one request', () => {
    expect(() => new ClientGate(0, 5)).toThrow(/inFlight/);
  });
});

import { jest } from '@jest/globals';
import { EventIterator } from './event-iterator.js';

describe('EventIterator', () => {
  it('delivers pushed values in order, to a waiting or a later reader', async () => {
    const it = new EventIterator<number>(() => undefined);
    const pending = it.next();
    it.push(1);
    it.push(2);
    await expect(pending).resolves.toEqual({ value: 1, done: false });
    await expect(it.next()).resolves.toEqual({ value: 2, done: false });
  });

  it('runs onClose once on return() and ends a waiting reader', async () => {
    const onClose = jest.fn();
    const it = new EventIterator<number>(onClose);
    const pending = it.next();
    await it.return();
    await it.return();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    it.push(3);
    await expect(it.next()).resolves.toEqual({ value: undefined, done: true });
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('drops the oldest events of a slow reader beyond its buffer', async () => {
    const onDrop = jest.fn();
    const it = new EventIterator<number>(() => undefined, onDrop);
    for (let i = 0; i < 1_005; i++) it.push(i);
    await expect(it.next()).resolves.toEqual({ value: 5, done: false });
    expect(onDrop).toHaveBeenCalled();
  });
});

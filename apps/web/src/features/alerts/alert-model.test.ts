import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../../lib/graphql/errors';
import { describeParams, fieldErrors, formatSeconds, isMuted, muteUntil, parseList } from './alert-model';

const bad = (path: string, message = `bad ${path}`) => new ApiError(message, 'BAD_USER_INPUT', [{ message, extensions: { code: 'BAD_USER_INPUT', path } }]);

describe('alert-model', () => {
  it('puts an API error next to the field its extensions.path names', () => {
    expect(fieldErrors(bad('durationSeconds'), ['name', 'durationSeconds'])).toEqual({ byField: { durationSeconds: 'bad durationSeconds' }, rest: null });
    expect(fieldErrors(bad('channelIds.0'), ['channelIds']).byField).toEqual({ channelIds: 'bad channelIds.0' });
    expect(fieldErrors(bad('config.url'), ['config', 'config.url']).byField).toEqual({ 'config.url': 'bad config.url' });
    const other = bad('somethingElse');
    expect(fieldErrors(other, ['name'])).toEqual({ byField: {}, rest: other });
    expect(fieldErrors(null, ['name'])).toEqual({ byField: {}, rest: null });
  });

  it('parses lists, formats windows and mutes', () => {
    expect(parseList(' sales_*, ,ops\nfinance ')).toEqual(['sales_*', 'ops', 'finance']);
    expect([0, 45, 600, 7200].map(formatSeconds)).toEqual(['none', '45 s', '10 min', '2 h']);
    const now = Date.parse('2026-12-06T10:00:00Z');
    expect(muteUntil(24, now)).toBe('2026-12-07T10:00:00.000Z');
    expect(isMuted('2026-12-06T11:00:00Z', now)).toBe(true);
    expect(isMuted('2026-12-06T09:00:00Z', now)).toBe(false);
    expect(isMuted(null, now)).toBe(false);
    expect(describeParams({ deadlineTime: '07:00', deadlineTimezone: 'Europe/Paris' })).toBe('by 07:00 Europe/Paris');
    expect(describeParams({ durationSeconds: 1800 })).toBe('longer than 30 min');
  });
});

'use client';

/**
 * One setting for every time on screen: UTC, the DAG's zone, or the browser's. Kept in localStorage.
 * A page about one DAG declares its zone with <DagZone>; elsewhere "DAG zone" falls back to UTC.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { browserZone, isValidZone } from './zone';

export type TimeSetting = 'utc' | 'dag' | 'browser';
const STORAGE_KEY = 'tower.timeSetting';

interface TimeContextValue {
  setting: TimeSetting;
  setSetting: (s: TimeSetting) => void;
}

const TimeSettingContext = createContext<TimeContextValue>({ setting: 'dag', setSetting: () => {} });
const DagZoneContext = createContext<string | null>(null);

export function TimeSettingProvider({ children }: { children: ReactNode }) {
  const [setting, setState] = useState<TimeSetting>('dag');
  useEffect(() => {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (stored === 'utc' || stored === 'dag' || stored === 'browser') setState(stored);
  }, []);
  const setSetting = useCallback((s: TimeSetting) => {
    setState(s);
    window.localStorage.setItem(STORAGE_KEY, s);
  }, []);
  const value = useMemo(() => ({ setting, setSetting }), [setting, setSetting]);
  return <TimeSettingContext.Provider value={value}>{children}</TimeSettingContext.Provider>;
}

export function DagZone({ zone, children }: { zone: string | null | undefined; children: ReactNode }) {
  return <DagZoneContext.Provider value={zone && isValidZone(zone) ? zone : null}>{children}</DagZoneContext.Provider>;
}

export function useTimeSetting(): TimeContextValue {
  return useContext(TimeSettingContext);
}

/** The IANA zone every time on this part of the page is shown in. */
export function useDisplayZone(): string {
  const { setting } = useContext(TimeSettingContext);
  const dagZone = useContext(DagZoneContext);
  if (setting === 'browser') return typeof window === 'undefined' ? 'UTC' : browserZone();
  if (setting === 'dag') return dagZone ?? 'UTC';
  return 'UTC';
}

export function TimeSettingSelect() {
  const { setting, setSetting } = useTimeSetting();
  return (
    <label className="time-setting">
      <span className="visually-hidden">Show times in</span>
      <select
        className="input input-sm"
        value={setting}
        onChange={(e) => setSetting(e.target.value as TimeSetting)}
        data-testid="time-setting"
        aria-label="Show times in"
      >
        <option value="dag">DAG time zone</option>
        <option value="utc">UTC</option>
        <option value="browser">Browser time zone</option>
      </select>
    </label>
  );
}

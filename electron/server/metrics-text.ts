import { Gauge, Registry } from 'prom-client';
import { DIVERGENCE_CATEGORIES, type DivergenceReport } from '../../shared/contract';
import type { QueueCore } from '../core/core';
import { keys } from '../core/keys';

/** What one scrape shows besides the dual-write counters. */
export interface ScrapeReadings {
  counters: string;
  queueDepth: number;
  lastCheck: DivergenceReport | null;
}

/**
 * Reads what a scrape shows, all from Redis, so every producer and console counts whichever host
 * is scraped: the all-time dual-write totals, the queue's length, and the newest finished
 * divergence check. Reads only: a scrape adds no sample to the metric buckets.
 */
export async function readScrape(core: QueueCore): Promise<ScrapeReadings> {
  const [counters, queueDepth, reports] = await Promise.all([
    core.invoke('metricsPrometheus', {}),
    core.redis.llen(keys.queue),
    core.invoke('divergenceReports', { limit: 50 }),
  ]);
  return {
    counters: counters.text,
    queueDepth,
    lastCheck: reports.find((report) => report.state === 'completed') ?? null,
  };
}

/**
 * Prometheus text for the scrape endpoint (docs/architecture.md, "Metrics endpoint"). Without
 * readings (Redis did not answer) only `queuescope_redis_up 0` is shown, so an alert can tell
 * "no divergence" from "could not look".
 */
export async function scrapeText(readings: ScrapeReadings | null): Promise<string> {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  gauge(
    'queuescope_redis_up',
    'Whether this scrape could read Redis (1) or not (0: the other series are absent).',
  ).set(readings ? 1 : 0);
  if (!readings) return registry.metrics();

  gauge('ai_jobs_queue_depth', 'Job ids waiting in ai:queue:pending.').set(readings.queueDepth);
  const check = readings.lastCheck;
  if (check) {
    const byCategory = gauge(
      'ai_jobs_divergence_last_check',
      'Jobs per category in the newest finished divergence check (scope: all, or its workspace).',
      ['category', 'scope'],
    );
    const scope = check.workspace_id ?? 'all';
    byCategory.set({ category: 'in_sync', scope }, check.in_sync);
    for (const category of DIVERGENCE_CATEGORIES) {
      byCategory.set({ category, scope }, check.counts[category] ?? 0);
    }
    const finished = Date.parse(check.finished_at ?? check.started_at);
    gauge(
      'ai_jobs_divergence_last_check_timestamp_seconds',
      'When the newest finished divergence check finished (Unix time).',
    ).set(Number.isFinite(finished) ? finished / 1000 : 0);
  }
  return `${readings.counters.trimEnd()}\n\n${await registry.metrics()}`;
}

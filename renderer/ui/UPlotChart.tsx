import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './chart.css';
import { useResolvedTheme } from './theme';

export interface UPlotChartProps {
  /** Builds the options for a width; called again when the series shape (optionsKey) changes. */
  options: (width: number) => Omit<uPlot.Options, 'width'>;
  /** Changes when the options must be rebuilt (series set, units), not on every data refresh. */
  optionsKey: string;
  data: uPlot.AlignedData;
  /** The accessible name of the chart; the figures themselves are shown as text next to it. */
  label: string;
}

/**
 * A uPlot chart that follows its container's width. New data goes through setData (no rebuild),
 * so a refreshing chart keeps its cursor and costs little.
 */
export function UPlotChart({ options, optionsKey, data, label }: UPlotChartProps) {
  const host = useRef<HTMLDivElement>(null);
  // The colours are read when the chart is built: a theme switch builds it again.
  const theme = useResolvedTheme();
  const plot = useRef<uPlot | null>(null);
  const latest = useRef({ options, data });
  useEffect(() => {
    latest.current = { options, data };
  });

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const width = () => Math.max(element.clientWidth, 200);
    const chart = new uPlot(
      { ...latest.current.options(width()), width: width() },
      latest.current.data,
      element,
    );
    plot.current = chart;
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: width(), height: chart.height }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [optionsKey, theme]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div ref={host} className="uplot-host" role="img" aria-label={label} />;
}

let probe: HTMLElement | null = null;

/**
 * A colour from the theme's CSS variables, resolved for the theme in effect (theme.css holds each as
 * light-dark(), which a canvas cannot take), so charts follow light and dark.
 */
export function themeColor(name: string, fallback: string): string {
  if (!probe) {
    probe = document.createElement('span');
    probe.hidden = true;
    document.body.append(probe);
  }
  probe.style.color = `var(${name}, ${fallback})`;
  return getComputedStyle(probe).color || fallback;
}

import type uPlot from 'uplot';
import { themeColor } from '../../ui/UPlotChart';
import type { FlagPeriods } from './flag-periods';

/**
 * Draws the flag on a chart (docs/console.md "Metrics"): the spans dual-write was off shaded behind
 * the series, and a dashed line with "on"/"off" at each change.
 */
export function flagPlugin(current: () => FlagPeriods): uPlot.Plugin {
  const x = (u: uPlot, sec: number) => u.valToPos(sec, 'x', true);
  return {
    hooks: {
      drawClear: [
        (u) => {
          const periods = current();
          if (periods.off.length === 0) return;
          const { ctx, bbox } = u;
          ctx.save();
          ctx.fillStyle = themeColor('--warn', '#b76e00');
          ctx.globalAlpha = 0.12;
          for (const [from, to] of periods.off) {
            const left = Math.max(bbox.left, x(u, from));
            const right = Math.min(bbox.left + bbox.width, x(u, to));
            if (right > left) ctx.fillRect(left, bbox.top, right - left, bbox.height);
          }
          ctx.restore();
        },
      ],
      draw: [
        (u) => {
          const periods = current();
          if (periods.changes.length === 0) return;
          const { ctx, bbox } = u;
          const ratio = window.devicePixelRatio || 1;
          ctx.save();
          ctx.strokeStyle = themeColor('--muted', '#69727d');
          ctx.fillStyle = ctx.strokeStyle;
          ctx.lineWidth = ratio;
          ctx.setLineDash([4 * ratio, 3 * ratio]);
          ctx.font = `${11 * ratio}px sans-serif`;
          for (const change of periods.changes) {
            const at = Math.round(x(u, change.at));
            if (at < bbox.left || at > bbox.left + bbox.width) continue;
            ctx.beginPath();
            ctx.moveTo(at, bbox.top);
            ctx.lineTo(at, bbox.top + bbox.height);
            ctx.stroke();
            ctx.fillText(
              change.value === 'on' ? 'on' : 'off',
              at + 3 * ratio,
              bbox.top + 11 * ratio,
            );
          }
          ctx.restore();
        },
      ],
    },
  };
}

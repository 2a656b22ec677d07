import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is built once and served both by Electron (file://) and by the web host, hence relative paths.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // React's renderer (60% of the startup code) in a chunk of its own: the browser compiles it
        // alongside the app's code, and a release that changes only the app leaves it cached.
        manualChunks: (id: string) =>
          /node_modules\/(react-dom|scheduler)\//.test(id) ? 'react-dom' : undefined,
      },
    },
  },
});

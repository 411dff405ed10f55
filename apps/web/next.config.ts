import path from 'node:path';
import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The monorepo root holds the hoisted node_modules and the lockfile.
  turbopack: { root: path.join(__dirname, '..', '..') },
};

export default nextConfig;

// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `next dev` only serves its dev resources to localhost; tests and people also open 127.0.0.1.
  allowedDevOrigins: ['127.0.0.1'],
};

export default nextConfig;

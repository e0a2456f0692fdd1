// The chart components, in a chunk of their own (recharts and d3 are about 100 KiB gzipped): pages load them lazily,
// after the rest of the page has shown (Dashboard.tsx).
export { DonutChart } from "@mantine/charts";

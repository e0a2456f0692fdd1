// Mantine's toast container on its own: main.tsx loads it lazily, so its transitions stay out of every page's first
// JavaScript. Toasts shown before it has loaded wait in @mantine/notifications' store and appear when it mounts.
export { Notifications } from "@mantine/notifications";

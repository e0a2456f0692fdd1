import { Title } from "@mantine/core";

/** Placeholder: being built. */
export function Jobs() {
  return <Title order={2}>Jobs</Title>;
}

// An AI feature this server does not have: say so, and name the variable that turns it on.
import { Alert, Code, Text } from "@mantine/core";
import { IconPlugOff } from "@tabler/icons-react";

export function AiOff({ feature, variable }: { feature: string; variable: string }) {
  return (
    <Alert color="gray" variant="light" icon={<IconPlugOff size={18} />} data-testid="ai-off" data-variable={variable}>
      <Text size="sm">{feature} is off: set <Code>{variable || "its API key"}</Code> on the server.</Text>
    </Alert>
  );
}

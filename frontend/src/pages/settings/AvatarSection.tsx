// Account settings' "Picture": one's avatar (POST/DELETE /api/me/avatar/), shown to the crew in the members list
// and in the user menu. The server checks the file is a picture and keeps a small square copy.
import { Alert, Avatar, Button, Card, FileButton, Group, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, type ApiError } from "../../api/client";
import { keys } from "../../api/keys";
import type { User } from "../../api/types";

export function AvatarSection({ user }: { user: User }) {
  const qc = useQueryClient();
  const done = (next: User) => qc.setQueryData(keys.me, next);
  const upload = useMutation<User, ApiError, File>({
    mutationFn: (file) => {
      const body = new FormData();
      body.append("file", file);
      return api<User>("/api/me/avatar/", { method: "POST", body });
    },
    onSuccess: done,
  });
  const remove = useMutation<User, ApiError>({ mutationFn: () => api<User>("/api/me/avatar/", { method: "DELETE" }), onSuccess: done });
  const error = upload.error ?? remove.error;
  return (
    <Card withBorder component="section" aria-labelledby="account-avatar-title" data-testid="avatar-section">
      <Stack>
        <Title order={2} size="h3" id="account-avatar-title">Picture</Title>
        <Group>
          <Avatar src={user.avatar_url} alt={user.avatar_url ? `Your picture` : undefined} size={72} radius="xl" color="yellow" data-testid="avatar-preview">
            {user.display_name.slice(0, 1).toUpperCase()}
          </Avatar>
          <Text size="sm" style={{ flex: 1 }}>A JPEG, PNG or WebP of at most 5 MiB. The crew sees it beside your name.</Text>
        </Group>
        {error && <Alert color="red">{error.message}</Alert>}
        <Group>
          <FileButton onChange={(file) => file && upload.mutate(file)} accept="image/jpeg,image/png,image/webp">
            {(props) => <Button {...props} loading={upload.isPending} data-testid="avatar-upload">{user.avatar_url ? "Change picture" : "Upload picture"}</Button>}
          </FileButton>
          {user.avatar_url && <Button variant="default" onClick={() => remove.mutate()} loading={remove.isPending}>Remove picture</Button>}
        </Group>
      </Stack>
    </Card>
  );
}

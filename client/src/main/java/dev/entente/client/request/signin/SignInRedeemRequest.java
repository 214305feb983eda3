package dev.entente.client.request.signin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.client.request.Bodies;

/**
 * {@code POST /auth/oidc/token}: trade the one-time code the hub sent to the CLI's loopback port
 * for a session token.
 *
 * @param code     the one-time code
 * @param verifier the PKCE verifier whose challenge the CLI sent when it started the sign-in
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SignInRedeemRequest(@JsonProperty("code") @JsonDeserialize(using = Bodies.Text.class) String code,
                                  @JsonProperty("verifier") @JsonDeserialize(using = Bodies.Text.class) String verifier) {
}

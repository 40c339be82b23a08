package ai.dexto.gateway.controlplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The customer dashboard the control plane serves at {@code /}: where its pages find the API and
 * Supabase Auth. Everything here reaches browsers (the runtime config), so nothing here is secret.
 */
public final class DashboardSettings {
    /** The API base the pages call ({@code DEXTO_API_URL}); empty: the origin that served the page. */
    @JsonProperty
    public String apiUrl = "";
    /** Supabase Auth, {@code https://<project>.supabase.co/auth/v1} ({@code DEXTO_AUTH_URL}). */
    @JsonProperty
    public String authUrl = "";
    /** Supabase's publishable (anon) key, sent as {@code apikey} ({@code DEXTO_AUTH_ANON_KEY}). */
    @JsonProperty
    public String authAnonKey = "";
    /** The gateway's markup ({@code DEXTO_MARKUP_PERCENT}), so the models page shows what customers pay. */
    @JsonProperty
    public String markupPercent = "0";

    /** A setting as given, without trailing slashes; an absent one (an empty {@code ${VAR:-}}) is "". */
    public static String url(String value) {
        return value == null ? "" : value.trim().replaceAll("/+$", "");
    }

    public String markup() {
        return markupPercent == null || markupPercent.isBlank() ? "0" : markupPercent.trim();
    }
}

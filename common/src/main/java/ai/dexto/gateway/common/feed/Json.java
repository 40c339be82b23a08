package ai.dexto.gateway.common.feed;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one ObjectMapper configuration both planes use for feed messages. */
public final class Json {
    private Json() {
    }

    public static ObjectMapper newMapper() {
        return new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }
}

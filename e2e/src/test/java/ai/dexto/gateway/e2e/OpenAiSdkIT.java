package ai.dexto.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assertions;

/** The official OpenAI Java SDK, pointed at the gateway, works as it does against OpenAI. */
class OpenAiSdkIT {
    static LocalSystem system;
    static LocalSystem.User user;
    static String model;

    @BeforeAll
    static void start() throws Exception {
        system = SharedSystem.get();
        user = system.provisionUser();
        model = system.firstModel();
    }

    private static OpenAIClient client(String apiKey) {
        return OpenAIOkHttpClient.builder().apiKey(apiKey).baseUrl(system.gatewayUrl() + "/v1").maxRetries(0).build();
    }

    private static ChatCompletionCreateParams params() {
        return ChatCompletionCreateParams.builder().model(model)
                .addUserMessage(LocalSystem.prompt("Hello through the SDK"))
                .maxCompletionTokens(12).build();
    }

    @Test
    void sdkCompletesANonStreamedChat() {
        ChatCompletion completion = client(user.apiKey()).chat().completions().create(params());
        String text = completion.choices().get(0).message().content().orElse("");
        assertFalse(text.isBlank());
        assertTrue(completion.usage().orElseThrow().completionTokens() <= 12);
    }

    @Test
    void sdkStreamsAChatChunkByChunk() {
        try (StreamResponse<ChatCompletionChunk> stream = client(user.apiKey()).chat().completions()
                .createStreaming(params())) {
            List<ChatCompletionChunk> chunks = stream.stream().collect(Collectors.toList());
            String text = chunks.stream().flatMap(c -> c.choices().stream())
                    .map(c -> c.delta().content().orElse("")).collect(Collectors.joining());
            assertFalse(text.isBlank());
            assertTrue(chunks.size() >= 12, "one chunk per token, got " + chunks.size());
        }
    }

    @Test
    void sdkSeesAnUnauthorizedErrorForABadKey() {
        UnauthorizedException e = Assertions.assertThrows(UnauthorizedException.class,
                () -> client("dxt_not-a-real-key").chat().completions().create(params()));
        assertEquals(401, e.statusCode());
    }
}

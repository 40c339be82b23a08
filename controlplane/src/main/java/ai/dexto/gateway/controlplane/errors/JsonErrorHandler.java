package ai.dexto.gateway.controlplane.errors;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ErrorHandler;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before Jersey sees the request (an unparsable form body, a bad URI),
 * in the same JSON shape as everything else instead of an HTML page.
 */
public final class JsonErrorHandler extends ErrorHandler {
    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                                                 String contentType, List<Charset> charsets, int code,
                                                 String message, Throwable cause) {
        String reason = HttpStatus.getMessage(code);
        String type = code == 401 ? "authentication_error" : code == 404 ? "not_found_error"
                : code >= 500 ? "api_error" : "invalid_request_error";
        String json = "{\"error\":{\"message\":\"" + reason.replace("\"", "'") + "\",\"type\":\"" + type
                + "\",\"code\":\"http_" + code + "\"}}";
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}

package ai.dexto.gateway.sim.openrouter;

import java.math.BigDecimal;

/**
 * What a request is charged beside its tokens, as OpenRouter bills it: the model's per-request price,
 * its per-image price for each input image, and web search — the model's own search price when it has
 * one, else OpenRouter's web plugin at a price per result, whichever is dearer.
 *
 * @param webResults results the web search fetched (0: no search)
 */
public record Extras(int images, int webResults, BigDecimal webResultPrice) {
    public static final Extras NONE = new Extras(0, 0, BigDecimal.ZERO);

    public BigDecimal charge(Model model) {
        BigDecimal c = model.requestPrice().add(model.imagePrice().multiply(BigDecimal.valueOf(images)));
        if (webResults > 0) {
            BigDecimal plugin = webResultPrice.multiply(BigDecimal.valueOf(webResults));
            c = c.add(model.webSearchPrice().max(plugin));
        }
        return c;
    }
}

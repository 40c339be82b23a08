package ai.dexto.gateway.dataplane.credit;

/**
 * The parts of a chat request that decide its price, apart from the models and the completion limit.
 *
 * @param promptBytes the bound on text prompt tokens: the upstream body's length
 * @param media       whether images, audio or files are attached (the prompt is then bounded by the context)
 */
public record ChatPrice(long promptBytes, boolean media, int images, int webSearches, int webResults) {
}

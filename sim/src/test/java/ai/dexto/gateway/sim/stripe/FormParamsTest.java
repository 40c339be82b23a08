package ai.dexto.gateway.sim.stripe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FormParamsTest {
    @Test
    void nestedBracketNamesAreReadAsStripeWritesThem() {
        FormParams form = FormParams.parse("mode=payment"
                + "&line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=500"
                + "&line_items%5B0%5D%5Bquantity%5D=2"
                + "&line_items%5B1%5D%5Bquantity%5D=1"
                + "&metadata%5Buser_id%5D=u%201&metadata%5Bkind%5D=topup");
        assertEquals("payment", form.get("mode"));
        assertEquals("500", form.get("line_items[0][price_data][unit_amount]"));
        assertEquals(2, form.count("line_items"));
        assertEquals(Map.of("user_id", "u 1", "kind", "topup"), form.map("metadata"));
    }
}

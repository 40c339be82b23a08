package ai.dexto.gateway.dataplane.cycleright;

import ai.dexto.gateway.dataplane.cycleleft.Left;

/** The other half of the deliberate cycle (see {@link Left}). */
public final class Right {
    public Left left;
}

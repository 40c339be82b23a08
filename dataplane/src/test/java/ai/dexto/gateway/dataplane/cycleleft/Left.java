package ai.dexto.gateway.dataplane.cycleleft;

import ai.dexto.gateway.dataplane.cycleright.Right;

/** Half of a deliberate package cycle: {@code ArchitectureTest} proves its rule sees one. */
public final class Left {
    public Right right;
}

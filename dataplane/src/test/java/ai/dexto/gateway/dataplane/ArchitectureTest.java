package ai.dexto.gateway.dataplane;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.dataplane.cycleleft.Left;
import ai.dexto.gateway.dataplane.cycleright.Right;
import ai.dexto.gateway.dataplane.relay.ChatExchange;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The data plane's package structure (issue 15): packages follow the request's path and depend on
 * each other one way. A cycle fails with ArchUnit's description of each edge (class, member, line).
 */
@Timeout(60)
class ArchitectureTest {
    static final ArchRule NO_CYCLES = slices().matching("ai.dexto.gateway.dataplane.(*)..").should().beFreeOfCycles()
            .because("issue 15: no package cycles; depend on an interface the other side implements");
    static JavaClasses main;

    @BeforeAll
    static void importMainClasses() throws URISyntaxException {
        // the module's own output directory, not the class path: the rules are about our packages
        main = new ClassFileImporter().importPath(Path.of(Gateway.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI()));
    }

    @Test
    void thePackagesOfTheDataPlaneHaveNoCycles() {
        assertTrue(main.size() > 50 && main.contain(ChatExchange.class), "imported " + main.size() + " classes");
        NO_CYCLES.check(main);
    }

    @Test
    void onlyTheCompositionRootKnowsTheWholeGateway() {
        // Gateway, GatewayConfig and GatewayMain wire the packages; a package reaching back to them would
        // be a cycle the slice rule cannot see (the root package is in no slice)
        noClasses().that().resideInAPackage("ai.dexto.gateway.dataplane.*..")
                .should().dependOnClassesThat().resideInAPackage("ai.dexto.gateway.dataplane")
                .check(main);
    }

    @Test
    void everyTestClassHasATimeout() throws URISyntaxException {
        JavaClasses tests = new ClassFileImporter().importPath(Path.of(ArchitectureTest.class.getProtectionDomain()
                .getCodeSource().getLocation().toURI()));
        DescribedPredicate<JavaClass> hasTests = DescribedPredicate.describe("have test methods",
                c -> c.getMethods().stream().anyMatch(m -> m.isAnnotatedWith(Test.class)
                        || m.isAnnotatedWith("com.code_intelligence.jazzer.junit.FuzzTest")));
        classes().that(hasTests).should().beAnnotatedWith(Timeout.class)
                .because("a test that hangs must fail, not stall the build").check(tests);
    }

    @Test
    void theRuleFindsACycleWhenThereIsOne() {
        JavaClasses cyclic = new ClassFileImporter().importClasses(Left.class, Right.class);
        AssertionError e = assertThrows(AssertionError.class, () -> NO_CYCLES.check(cyclic));
        assertTrue(e.getMessage().contains("Cycle detected: Slice cycleleft"), e.getMessage());
    }
}

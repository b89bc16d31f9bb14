package io.crossmodal.local;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.crossmodal.encoder.processor.QueryEncoding;
import io.crossmodal.search.query.QueryEncoder;
import org.junit.jupiter.api.Test;

/**
 * The layering README's "Layout" describes, checked on the compiled classes of every module (this
 * module's classpath holds them all): a rule broken by a change fails here, naming the class and
 * the dependency.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.crossmodal");

  private static final String COMMON = "io.crossmodal.common..";
  private static final String SEARCH = "io.crossmodal.search..";
  private static final String ENCODER = "io.crossmodal.encoder..";
  private static final String INGEST = "io.crossmodal.ingest..";
  private static final String MODEL = "io.crossmodal.model..";
  private static final String TOOLS = "io.crossmodal.cli..";
  private static final String LOCAL = "io.crossmodal.local..";

  @Test
  void commonDependsOnNoServiceModelOrTool() {
    noClasses()
        .that()
        .resideInAPackage(COMMON)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(SEARCH, ENCODER, INGEST, MODEL, TOOLS, LOCAL)
        .check(MAIN);
  }

  @Test
  void noServiceDependsOnAnotherOrOnTheTools() {
    noClasses()
        .that()
        .resideInAPackage(SEARCH)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ENCODER, INGEST, MODEL, TOOLS, LOCAL)
        .check(MAIN);
    noClasses()
        .that()
        .resideInAPackage(ENCODER)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(SEARCH, INGEST, TOOLS, LOCAL)
        .check(MAIN);
    noClasses()
        .that()
        .resideInAPackage(INGEST)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(SEARCH, ENCODER, MODEL, TOOLS, LOCAL)
        .check(MAIN);
  }

  /**
   * The query path both routes share (shard addressing, the heap, the order, the gather) stands on
   * its own, so the topic contracts can carry its hits and every service can use it.
   */
  @Test
  void theSharedQueryPathDependsOnNothingElseOfTheProject() {
    noClasses()
        .that()
        .resideInAPackage("io.crossmodal.common.query..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("io.crossmodal..")
                .and(not(resideInAPackage("io.crossmodal.common.query.."))))
        .check(MAIN);
  }

  /** What the encoder runs at inference never reaches for dataset building or training. */
  @Test
  void theTowersNeedNothingOfTraining() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.crossmodal.model.image..",
            "io.crossmodal.model.text..",
            "io.crossmodal.model.clip..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.crossmodal.model.data..",
            "io.crossmodal.model.train..",
            "io.crossmodal.model.eval..",
            "io.crossmodal.model.seed..",
            "io.crossmodal.model.scratch..")
        .check(MAIN);
  }

  /**
   * Each service's {@code app} package wires the others together (its main, its service, its config
   * record); nothing inside the service reaches back into it.
   */
  @Test
  void eachServicesAppPackageIsItsCompositionRootOnly() {
    for (String service : new String[] {"search", "encoder", "ingest"}) {
      String app = "io.crossmodal." + service + ".app..";
      noClasses()
          .that()
          .resideInAPackage("io.crossmodal." + service + "..")
          .and()
          .resideOutsideOfPackage(app)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(app)
          .check(MAIN);
    }
  }

  /**
   * The topology is a pure builder: it knows processors and stores, not HTTP or the query routes.
   */
  @Test
  void theSearchTopologyAndItsProcessorsKnowNoHttp() {
    noClasses()
        .that()
        .resideInAnyPackage("io.crossmodal.search.topology..", "io.crossmodal.search.processor..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.crossmodal.search.http..")
        .check(MAIN);
  }

  /**
   * A service module's inside is its own, as Kafka Streams' {@code internals} are: the command line
   * and the local stack start a service through its {@code app} package and pass the in-process
   * query encoder across; only the benchmarks reach further, into the two indexes they measure
   * (search {@code store} and {@code lexical}).
   */
  @Test
  void otherModulesUseOnlyAServicesPublishedPackages() {
    noClasses()
        .that()
        .resideOutsideOfPackage(SEARCH)
        .should()
        .dependOnClassesThat(
            resideInAPackage(SEARCH)
                .and(
                    not(
                        resideInAnyPackage(
                            "io.crossmodal.search.app..",
                            "io.crossmodal.search.store..",
                            "io.crossmodal.search.lexical..")))
                .and(not(belongToAnyOf(QueryEncoder.class))))
        .check(MAIN);
    noClasses()
        .that()
        .resideOutsideOfPackage(ENCODER)
        .should()
        .dependOnClassesThat(
            resideInAPackage(ENCODER)
                .and(not(resideInAPackage("io.crossmodal.encoder.app..")))
                .and(not(belongToAnyOf(QueryEncoding.class))))
        .check(MAIN);
    noClasses()
        .that()
        .resideOutsideOfPackage(INGEST)
        .should()
        .dependOnClassesThat(
            resideInAPackage(INGEST).and(not(resideInAPackage("io.crossmodal.ingest.app.."))))
        .check(MAIN);
  }

  @Test
  void thePackagesOfEachServiceFormNoCycle() {
    for (String service : new String[] {"search", "encoder", "ingest"}) {
      slices()
          .matching("io.crossmodal." + service + ".(*)..")
          .should()
          .beFreeOfCycles()
          .check(MAIN);
    }
  }
}

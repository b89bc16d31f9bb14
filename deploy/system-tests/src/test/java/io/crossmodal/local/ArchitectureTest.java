package io.crossmodal.local;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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
        .resideInAnyPackage(
            "io.crossmodal.search.internal.topology..", "io.crossmodal.search.internal.processor..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.crossmodal.search.internal.http..")
        .check(MAIN);
  }

  /**
   * A service module's inside is its own, as Kafka Streams' {@code internals} are: everything but
   * what other modules may use lives under the service's {@code internal} package, and no class
   * outside the service touches it.
   */
  @Test
  void noOtherModuleTouchesAServicesInternals() {
    for (String service : new String[] {"search", "encoder", "ingest"}) {
      noClasses()
          .that()
          .resideOutsideOfPackage("io.crossmodal." + service + "..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.crossmodal." + service + ".internal..")
          .check(MAIN);
    }
  }

  /**
   * What a service publishes is short and named: its {@code app} (main, service, config record),
   * its {@code api} (the in-process query encoder passed across), and for the benchmarks the search
   * service's two indexes ({@code store}, {@code lexical}); all else is {@code internal}.
   */
  @Test
  void aServicePublishesOnlyItsAppItsApiAndTheMeasuredIndexes() {
    classes()
        .that()
        .resideInAnyPackage(SEARCH, ENCODER, INGEST)
        .should()
        .resideInAnyPackage(
            "io.crossmodal.*.app..",
            "io.crossmodal.*.api..",
            "io.crossmodal.*.internal..",
            "io.crossmodal.search.store..",
            "io.crossmodal.search.lexical..")
        .check(MAIN);
  }

  @Test
  void thePackagesOfEachServiceFormNoCycle() {
    for (String service : new String[] {"search", "encoder", "ingest"}) {
      slices().matching("io.crossmodal." + service + ".(**)").should().beFreeOfCycles().check(MAIN);
    }
  }
}

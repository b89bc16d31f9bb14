package io.crossmodal.model.image;

import io.crossmodal.model.onnx.OnnxProtos;
import java.util.List;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;

/**
 * How every exported image tower ends and is packaged: the mean-pooled activations of chosen
 * tensors, concatenated as the graph's one output {@value MobileNetV2Graph#FEATURES} [batch,
 * channels]; the model at the opset and IR version ONNX Runtime runs here.
 */
final class PooledFeatures {
  private static final int OPSET = 13;
  private static final int IR_VERSION = 7;

  private PooledFeatures() {}

  /**
   * @param activations the graph's NCHW tensors to pool, in order
   * @param channels the sum of their channels
   */
  static void output(GraphProto.Builder g, List<String> activations, long channels) {
    NodeProto.Builder concat =
        NodeProto.newBuilder()
            .setOpType("Concat")
            .setName("pooled")
            .addOutput("pooled")
            .addAttribute(OnnxProtos.intAttr("axis", 1));
    for (String a : activations) {
      g.addNode(
          NodeProto.newBuilder()
              .setOpType("GlobalAveragePool")
              .setName(a + "_pool")
              .addInput(a)
              .addOutput(a + "_pool"));
      concat.addInput(a + "_pool");
    }
    g.addNode(concat);
    g.addNode(
        NodeProto.newBuilder()
            .setOpType("Flatten")
            .setName(MobileNetV2Graph.FEATURES)
            .addInput("pooled")
            .addOutput(MobileNetV2Graph.FEATURES)
            .addAttribute(OnnxProtos.intAttr("axis", 1)));
    g.addOutput(
        OnnxProtos.value(MobileNetV2Graph.FEATURES, TensorProto.DataType.FLOAT, -1, channels));
  }

  static ModelProto model(GraphProto.Builder g) {
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("crossmodal")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(g)
        .build();
  }
}

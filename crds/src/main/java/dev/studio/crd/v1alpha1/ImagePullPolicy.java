package dev.studio.crd.v1alpha1;

/** When the kubelet pulls an image, as in a Pod's {@code imagePullPolicy}. */
public enum ImagePullPolicy {
  Always,
  IfNotPresent,
  Never
}

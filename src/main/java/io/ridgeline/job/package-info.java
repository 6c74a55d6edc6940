/**
 * The sweep job: wires config → data → folds → grid → trainers → selection → reports. The only package
 * that knows every stage; imports all of them. Also {@code predict}: a saved model scoring raw data.
 */
package io.ridgeline.job;

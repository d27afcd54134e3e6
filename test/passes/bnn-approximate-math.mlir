// RUN: %bnnc_opt %s -bnn-approximate-math | FileCheck %s

// math.erf and math.tanh on f32 scalars and vectors become arith (upstream's polynomial
// approximations): no math.erf / math.tanh is left for convert-math-to-libm to call per element.
// CHECK-LABEL: func.func @erf_tanh
// CHECK-NOT: math.erf
// CHECK-NOT: math.tanh
// CHECK: arith.select
// CHECK: return
func.func @erf_tanh(%x: f32, %v: vector<16xf32>) -> (f32, vector<16xf32>, f32) {
  %e = math.erf %x : f32
  %t = math.tanh %v : vector<16xf32>
  %u = math.tanh %x : f32
  return %e, %t, %u : f32, vector<16xf32>, f32
}

// Erf's and tanh's multiply-adds are a multiply and an add that LLVM may contract (no libm fmaf
// call on a target without FMA).
// CHECK-LABEL: func.func @erf_steps
// CHECK-NOT: math.fma
// CHECK: %[[P:.+]] = arith.mulf %{{.+}}, %{{.+}} fastmath<contract> : vector<8xf32>
// CHECK-NEXT: arith.addf %[[P]], %{{.+}} fastmath<contract> : vector<8xf32>
// CHECK-NOT: math.fma
// CHECK: arith.divf
// CHECK-NOT: math.fma
// CHECK: return
func.func @erf_steps(%v: vector<8xf32>) -> vector<8xf32> {
  %e = math.erf %v : vector<8xf32>
  return %e : vector<8xf32>
}

// Tanh saturates to exactly +-1 from |x| = 9, whatever its approximation gives there:
// |x| >= 9 ? copysign(1, x) : approximation.
// CHECK-LABEL: func.func @tanh_steps
// CHECK-SAME: (%[[X:.+]]: f32)
// CHECK-DAG: %[[NINE:.+]] = arith.constant 9.000000e+00 : f32
// CHECK-DAG: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NOT: math.fma
// CHECK: arith.mulf %{{.+}}, %{{.+}} fastmath<contract> : f32
// CHECK-NOT: math.fma
// CHECK: %[[T:.+]] = arith.select %{{.+}}, %{{.+}}, %{{.+}} : f32
// CHECK-NEXT: %[[ABS:.+]] = math.absf %[[X]] : f32
// CHECK-NEXT: %[[SAT:.+]] = arith.cmpf oge, %[[ABS]], %[[NINE]] : f32
// CHECK-NEXT: %[[SIGN:.+]] = math.copysign %[[ONE]], %[[X]] : f32
// CHECK-NEXT: %[[Y:.+]] = arith.select %[[SAT]], %[[SIGN]], %[[T]] : f32
// CHECK-NEXT: return %[[Y]]
func.func @tanh_steps(%x: f32) -> f32 {
  %t = math.tanh %x : f32
  return %t : f32
}

// math.exp too (LLVM makes llvm.exp a call of expf per element), its multiply-adds contractible;
// other math ops stay (LLVM has instructions for them).
// CHECK-LABEL: func.func @others
// CHECK-NOT: math.exp
// CHECK-NOT: math.fma
// CHECK: arith.mulf %{{.+}}, %{{.+}} fastmath<contract> : vector<4xf32>
// CHECK-NOT: math.exp
// CHECK-NOT: math.fma
// CHECK: math.sqrt
func.func @others(%x: f32, %v: vector<4xf32>) -> (vector<4xf32>, f32) {
  %e = math.exp %v : vector<4xf32>
  %s = math.sqrt %x : f32
  return %e, %s : vector<4xf32>, f32
}

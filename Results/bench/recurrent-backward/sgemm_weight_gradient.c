#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cblas.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(){
  int K=1120,W=1024,S=256; float*d=malloc(4L*K*W),*h=malloc(4L*K*S),*c=malloc(4L*W*S);
  for(long i=0;i<(long)K*W;i++)d[i]=rand()/(float)RAND_MAX; for(long i=0;i<(long)K*S;i++)h[i]=rand()/(float)RAND_MAX;
  for(int v=0;v<3;v++){
  double b1=1e9,b2=1e9;
  for(int t=0;t<20;t++){double s=now();cblas_sgemm(CblasRowMajor,CblasTrans,CblasNoTrans,W,S,K,1,d,W,h,S,0,c,S);double e=now()-s;if(e<b1)b1=e;
   s=now();cblas_sgemm(CblasRowMajor,CblasTrans,CblasNoTrans,S,W,K,1,h,S,d,W,0,c,W);e=now()-s;if(e<b2)b2=e;}
  printf("dW (1024x256, A^T): %.2f ms %.0f GF/s;  dW^T (256x1024): %.2f ms %.0f GF/s\n",b1*1e3,2.0*K*W*S/b1*1e-9,b2*1e3,2.0*K*W*S/b2*1e-9);}
}
